package saml2nats.keys;

import saml2nats.cli.Command;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.cli.UsageException;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** {@code saml2nats keys init}: config mode ({@link KeysInit}) or operator mode ({@link OperatorInit}), and what to do next. */
public final class KeysInitCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("keys init", "[DIR] [--operator DIR [--accounts DEV,OPS] [--default-sentinel]]", """
            DIR: make the callout issuer key, an xkey, the service's and the system user's NATS
            passwords in DIR and print the nats-server.conf and saml2nats.yaml parts that use them.
            --operator DIR: operator mode, an operator, SYS, AUTH and the accounts (JWTs, seeds,
            signing keys, creds) and nats-server-operator.conf; --default-sentinel (nats-server
            2.11.2+) lets clients connect with their token alone""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws Exception {
        if (a.value("--operator").isPresent() == a.bare("DIR").isPresent()) {
            throw new UsageException("keys init takes DIR, or --operator DIR");
        }
        if (a.value("--operator").isPresent()) {
            return operatorKeys(a, terminal);
        }
        KeysInit.Made made = KeysInit.init(Path.of(a.bare("DIR").get()), new SecureRandom());
        var out = terminal.out();
        out.println("# keys in " + made.dir().toAbsolutePath() + " (" + KeysInit.ISSUER_FILE + ", " + KeysInit.XKEY_FILE
                + ", " + KeysInit.PASSWORD_FILE + ", " + KeysInit.SYSTEM_PASSWORD_FILE + "), readable by you only.");
        out.println("# Put the first part in nats-server.conf and the second in the saml2nats config; the accounts");
        out.println("# are where your mapping places people (rename them to yours).");
        out.print(made.setup(List.of("DEV", "OPS")));
        return 0;
    }

    /** Operator mode: operator, accounts, creds and a server config; the xkey seals requests. */
    private static int operatorKeys(Syntax.Args a, Terminal terminal) throws Exception {
        Path dir = Path.of(a.value("--operator").orElseThrow());
        List<String> accounts = Arrays.stream(a.value("--accounts", "DEV,OPS").split(",")).map(String::trim)
                .filter(n -> !n.isEmpty()).toList();
        for (String account : accounts) {
            if (!account.matches("[A-Za-z0-9_-]+") || account.equals("SYS") || account.equals(OperatorInit.CALLOUT_ACCOUNT)) {
                throw new UsageException("--accounts: '" + account
                        + "' is not a usable account name (letters, digits, - and _; not SYS or AUTH)");
            }
        }
        boolean defaultSentinel = a.flag("--default-sentinel");
        OperatorInit.Made made = OperatorInit.init(dir, accounts, true, defaultSentinel, new SecureRandom());
        var out = terminal.out();
        out.println("# operator mode keys in " + made.dir().toAbsolutePath() + " (seeds and creds readable by you only)");
        out.println("# accounts: " + made.accounts());
        out.println("# 1. run nats-server:   nats-server -c " + made.dir().toAbsolutePath().resolve(OperatorInit.SERVER_CONF));
        out.println("# 2. put this in the saml2nats config (the mapping file names accounts by these names):");
        out.print(made.serviceConfig());
        if (defaultSentinel) {
            out.println("# 3. clients connect with their token alone (default_sentinel: nats-server 2.11.2 or later):");
            out.println("#    nats --token s2n_... sub 'dev.>'");
        } else {
            out.println("# 3. clients connect with the sentinel creds and their token:");
            out.println("#    nats --creds " + made.dir().toAbsolutePath().resolve(OperatorInit.SENTINEL_CREDS)
                    + " --token s2n_... sub 'dev.>'");
        }
        return 0;
    }
}
