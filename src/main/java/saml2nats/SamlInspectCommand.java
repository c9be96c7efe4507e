package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.cli.UsageException;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.saml.SamlService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code saml2nats saml inspect}: every check the ACS runs, on one saved SAML Response. */
final class SamlInspectCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("saml inspect", "FILE --config CFG --idp ID [--at TIME] [--acs URL --sp-entity-id ID]", """
            decode a SAML Response (XML or the base64 form value) and show every validation check
            the ACS runs, evaluated at TIME (ISO-8601)""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    /** Exit 0 when every check passes, 1 when any fails. */
    @Override
    public int run(Syntax.Args a, Terminal terminal) throws Exception {
        String file = a.value("--config").orElseThrow();
        Config config = ConfigLoader.withoutSecrets(terminal.env()).load(Path.of(file));
        String idp = a.value("--idp").orElseThrow();
        // the same SAML side the service builds, so the Response meets the ACS's own checks
        try (SamlService saml = SamlService.forInspection(config)) {
            if (!saml.knows(idp)) {
                throw new IllegalArgumentException("no IdP '" + idp + "' in " + file + "; configured: "
                        + config.idps().stream().map(Config.Idp::id).toList());
            }
            Instant at;
            try {
                at = a.value("--at").isPresent() ? Instant.parse(a.value("--at").get()) : Instant.now();
            } catch (DateTimeParseException e) {
                throw new UsageException("--at takes an ISO-8601 instant such as 2020-03-03T19:24:28Z");
            }
            String posted = Files.readString(Path.of(a.bare("FILE").orElseThrow()));
            SamlService.Inspected inspected = saml.inspect(idp, posted, a.value("--sp-entity-id"), a.value("--acs"), at)
                    .orElseThrow();
            terminal.out().print(inspected.report());
            return inspected.passed() ? 0 : 1;
        }
    }
}
