package saml2nats;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.config.Config;
import saml2nats.config.ConfigException;
import saml2nats.config.ConfigLoader;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyException;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.Tenancy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code saml2nats check}: a mapping file as the service would load it. */
final class CheckCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("check", "FILE [--config FILE]", """
            validate a mapping file; exit 1 with file:line reasons. Account names are checked only
            against the service config given with --config""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws Exception {
        String file = a.bare("FILE").orElseThrow();
        try {
            Policy policy = loader(a, terminal.env()).load(Path.of(file));
            terminal.out().println(file + ": OK, " + policy.roles().size() + " roles");
            if (a.value("--config").isEmpty()) {
                // an OK must not read as "the service will take it": a misspelt account passes here
                terminal.out().println("  account names were not checked against a service config (nor which IdP may grant "
                        + "which account); pass --config FILE (the service's config) to check them");
            }
            return 0;
        } catch (PolicyException e) {
            terminal.err().println(e.getMessage());
            return 1;
        }
    }

    /** With --config, account names are checked against the service config; without, any is accepted. */
    static PolicyLoader loader(Syntax.Args a, Map<String, String> env) throws ConfigException {
        if (a.value("--config").isEmpty()) {
            return PolicyLoader.withoutAccountCheck();
        }
        Config config = ConfigLoader.withoutSecrets(env).load(Path.of(a.value("--config").get()));
        Map<String, Set<String>> tenancy = new HashMap<>();
        config.idps().stream().filter(i -> !i.accounts().isEmpty()).forEach(i -> tenancy.put(i.id(), i.accounts()));
        return new PolicyLoader(config.accounts(), new Tenancy(tenancy));
    }
}
