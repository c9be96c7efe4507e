package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.cli.UsageException;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;

import java.nio.file.Path;
import java.util.Optional;

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
        saml2nats.saml.OpenSaml saml = new saml2nats.saml.OpenSaml();
        String idpId = a.value("--idp").orElseThrow();
        try (saml2nats.saml.IdpRegistry idps = new saml2nats.saml.IdpRegistry(saml, config.idps(), (i, ok) -> { })) {
            var idp = idps.find(idpId).orElseThrow(() -> new IllegalArgumentException("no IdP '" + idpId + "' in "
                    + file + "; configured: " + config.idps().stream().map(Config.Idp::id).toList()));
            var decryption = config.sp().decryptionKey().map(k -> new saml2nats.saml.SpSettings.KeyPair(
                    saml2nats.config.Certificates.privateKey(k, "sp.decryption_key_file"),
                    saml2nats.config.Certificates.parse(config.sp().decryptionCertificate().orElseThrow(() ->
                            new IllegalArgumentException("sp.decryption_certificate_file is needed with the key")).toString(), "sp")));
            var sp = new saml2nats.saml.ServiceProvider(saml, config.publicUrl(), Optional.empty(), decryption,
                    saml2nats.saml.ServiceProvider.namesOf(config.idps()));
            var spSettings = new saml2nats.saml.SpSettings(a.value("--sp-entity-id", sp.entityId(idpId)),
                    a.value("--acs", sp.acsUrl(idpId)), decryption);
            java.time.Instant at = a.value("--at").isPresent() ? java.time.Instant.parse(a.value("--at").get()) : java.time.Instant.now();
            var v = saml2nats.saml.Inspection.run(saml, java.nio.file.Files.readString(Path.of(a.bare("FILE").orElseThrow())),
                    idp.trust().settings(), spSettings, at);
            terminal.out().print(saml2nats.saml.Inspection.report(v, idpId, at));
            return v.steps().stream().anyMatch(saml2nats.saml.Step::failed) ? 1 : 0;
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageException("--at takes an ISO-8601 instant such as 2020-03-03T19:24:28Z");
        }
    }
}
