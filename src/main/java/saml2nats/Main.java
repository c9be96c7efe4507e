package saml2nats;

import saml2nats.keys.KeysInit;
import saml2nats.keys.OperatorInit;
import saml2nats.cli.CliException;
import saml2nats.cli.EndSessions;
import saml2nats.cli.Login;
import saml2nats.cli.NatsContext;
import saml2nats.cli.ServiceClient;
import saml2nats.cli.Syntax;
import saml2nats.cli.SystemBrowser;
import saml2nats.config.Config;
import saml2nats.config.ConfigException;
import saml2nats.config.ConfigLoader;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyException;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.Tenancy;
import saml2nats.session.Identity;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The command line: {@code serve | login | logout | whoami | sessions end | check | explain | keys init | saml inspect}. */
public final class Main {
    static final String DEFAULT_CONFIG = "config/saml2nats.yaml";

    /** Every command with what it takes; the parser and the usage text both read these. */
    static final List<Syntax> COMMANDS = List.of(
            Syntax.of("serve", "[--config FILE]", "run the service (default config: config/saml2nats.yaml)"),
            Syntax.of("login", "[--url URL] [--context NAME] [--device | --no-browser]", """
                    sign in through the service at URL (its address, no path) and write the NATS CLI context
                    NAME (default saml2nats) with the token; nothing is written unless the service answers
                    with one. --url is needed the first time only: later logins use the service the context
                    was signed in through. The browser is $BROWSER when set (commands separated by ':', %s
                    for the address), else the desktop's; --no-browser prints the address only; --device
                    shows a code to enter in a browser on any machine"""),
            Syntax.of("logout", "[--context NAME] [--url URL]",
                    "end that session on the server, remove the token from the context"),
            Syntax.of("whoami", "[--context NAME] [--url URL]",
                    "show identity, NATS grant and session end (and the time left) of the context's token"),
            Syntax.of("sessions end", "--url URL --idp ID --subject NAMEID", """
                    (admin, token in $SAML2NATS_ADMIN_TOKEN) end every session of one person and kick
                    their NATS connections"""),
            Syntax.of("check", "FILE [--config FILE]", """
                    validate a mapping file; exit 1 with file:line reasons. Account names are checked only
                    against the service config given with --config"""),
            Syntax.of("explain", "--policy FILE --groups a,b [--email E] [--username U] [--subject NAMEID] [--idp ID] "
                    + "[--config FILE]", "print the grant a person would get and which roles gave it; exit 1 when DENIED"),
            Syntax.of("keys init", "[DIR] [--operator DIR [--accounts DEV,OPS] [--default-sentinel]]", """
                    DIR: make the callout issuer key, an xkey, the service's and the system user's NATS
                    passwords in DIR and print the nats-server.conf and saml2nats.yaml parts that use them.
                    --operator DIR: operator mode, an operator, SYS, AUTH and the accounts (JWTs, seeds,
                    signing keys, creds) and nats-server-operator.conf; --default-sentinel (nats-server
                    2.11.2+) lets clients connect with their token alone"""),
            Syntax.of("saml inspect", "FILE --config CFG --idp ID [--at TIME] [--acs URL --sp-entity-id ID]", """
                    decode a SAML Response (XML or the base64 form value) and show every validation check
                    the ACS runs, evaluated at TIME (ISO-8601)"""));

    private static final String USAGE = "usage: saml2nats <command> [options]\n\n"
            + COMMANDS.stream().map(Syntax::entry).collect(java.util.stream.Collectors.joining())
            + "\nsaml2nats <command> --help shows one command's usage.\n";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Main(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    /** {@code env} in place of the process's environment (the context folder, $BROWSER, the admin token). */
    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) throws Exception {
        int code = new Main(System.out, System.err).run(args);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** The exit code, or -1 when the service keeps running. */
    int run(String[] args) throws Exception {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        if (Syntax.HELP.contains(args[0]) || args[0].equals("help")) {
            return help(Arrays.copyOfRange(args, 1, args.length));
        }
        List<Syntax> named = COMMANDS.stream().filter(c -> c.command().equals(args[0])
                || args.length > 1 && c.command().equals(args[0] + " " + args[1])).toList();
        if (named.isEmpty()) {
            List<Syntax> group = group(args[0]);
            if (group.isEmpty()) {
                return usage("unknown command '" + args[0] + "'");
            }
            if (args.length > 1 && Syntax.HELP.contains(args[1])) {
                group.forEach(c -> out.print(c.usage()));
                return 0;
            }
            String sub = args.length > 1 ? "unknown command '" + args[0] + " " + args[1] + "'" : args[0] + " needs a command";
            err.println("saml2nats: " + sub + "; " + args[0] + " has: "
                    + group.stream().map(c -> c.command().substring(args[0].length() + 1))
                    .collect(java.util.stream.Collectors.joining(", ")));
            group.forEach(c -> err.print(c.usage()));
            return 2;
        }
        Syntax syntax = named.get(0);
        List<String> rest = Arrays.asList(args).subList(syntax.command().split(" ").length, args.length);
        try {
            Syntax.Parsed parsed = syntax.parse(rest);
            if (parsed instanceof Syntax.Wrong w) {
                return usage(syntax, w.problem());
            }
            if (parsed instanceof Syntax.Args a) {
                return run(syntax, a);
            }
            out.print(syntax.usage());
            return 0;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException | CliException e) {
            err.println("saml2nats: " + e.getMessage());
            return 1;
        }
    }

    private int run(Syntax syntax, Syntax.Args a) throws Exception {
        return switch (syntax.command()) {
            case "serve" -> serve(a);
            case "login" -> login(syntax, a);
            case "logout" -> signedIn(a, saml2nats.cli.Logout::run);
            case "whoami" -> signedIn(a, saml2nats.cli.Whoami::run);
            case "sessions end" -> endSessions(a);
            case "check" -> check(a);
            case "explain" -> explain(a);
            case "keys init" -> keys(syntax, a);
            case "saml inspect" -> inspect(syntax, a);
            default -> throw new IllegalStateException("no handler for " + syntax.command());
        };
    }

    /** {@code help}, {@code --help}: all commands, or the one named. */
    private int help(String[] words) {
        if (words.length == 0) {
            out.print(USAGE);
            return 0;
        }
        String name = String.join(" ", words);
        List<Syntax> found = COMMANDS.stream().filter(c -> c.command().equals(name)).toList();
        List<Syntax> shown = found.isEmpty() ? group(name) : found;
        if (shown.isEmpty()) {
            return usage("unknown command '" + name + "'");
        }
        shown.forEach(c -> out.print(c.usage()));
        return 0;
    }

    /** The commands of two words whose first is {@code word} ({@code keys} has {@code keys init}). */
    private static List<Syntax> group(String word) {
        return COMMANDS.stream().filter(c -> c.command().startsWith(word + " ")).toList();
    }

    private int login(Syntax syntax, Syntax.Args a) throws CliException {
        String context = a.value("--context", NatsContext.DEFAULT_NAME);
        NatsContext contexts = NatsContext.fromEnvironment(env);
        NatsContext.checkName(context);
        URI url;
        if (a.value("--url").isPresent()) {
            url = serviceUrl(a.value("--url").get());
        } else {
            // the service this context was signed in through, so "sign in again" needs no address
            Optional<URI> known = contexts.read(context).map(NatsContext.Entry::service);
            if (known.isEmpty()) {
                return usage(syntax, "no service address is known for context '" + context + "' (it was never signed in "
                        + "with saml2nats login); pass --url URL, the saml2nats service's address such as "
                        + "https://nats-login.example.com");
            }
            url = known.get();
            out.println("Signing in through " + url + ", where context '" + context + "' was signed in (--url for another).");
        }
        Login login = new Login(new ServiceClient(url), contexts, out, new SecureRandom(), d -> Thread.sleep(d.toMillis()));
        if (a.flag("--device")) {
            login.withCode(context);
        } else if (a.flag("--no-browser")) {
            login.withoutBrowser(context);
        } else {
            login.withBrowser(context, new SystemBrowser(env));
        }
        return 0;
    }

    private int endSessions(Syntax.Args a) throws CliException {
        EndSessions.run(serviceUrl(a.value("--url").orElseThrow()), env.get(EndSessions.TOKEN_ENV),
                a.value("--idp").orElseThrow(), a.value("--subject").orElseThrow(), out);
        return 0;
    }

    /** logout and whoami: a context's token and, optionally, the service URL. */
    interface WithToken {
        void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out) throws CliException;
    }

    private int signedIn(Syntax.Args a, WithToken command) throws CliException {
        Optional<URI> url = a.value("--url").isPresent() ? Optional.of(serviceUrl(a.value("--url").get())) : Optional.empty();
        command.run(NatsContext.fromEnvironment(env), a.value("--context", NatsContext.DEFAULT_NAME), url, out);
        return 0;
    }

    /**
     * The service's address alone: the service answers at the root of its host, and the
     * CLI adds the paths. {@code http://host/device} (pasted from the page) would reach
     * no CLI endpoint, so it is refused with the address to use.
     */
    private static URI serviceUrl(String url) throws CliException {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new CliException("--url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new CliException("--url must be the service's http(s) address, like https://nats-login.example.com; got " + url);
        }
        boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))
                && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null;
        if (!bare) {
            String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
            throw new CliException("--url is the service's address without a path, like https://nats-login.example.com; got "
                    + url + " (did you mean " + origin + "?)");
        }
        return u;
    }

    private int serve(Syntax.Args opts) throws Exception {
        Config config = new ConfigLoader(env).load(Path.of(opts.value("--config", DEFAULT_CONFIG)));
        Saml2Nats service;
        try {
            service = Saml2Nats.start(config, Clock.systemUTC());
        } catch (PolicyException e) {
            err.println("the mapping file is not usable, so the service does not start:\n" + e.getMessage());
            return 1;
        } catch (CannotStart e) {
            err.println("saml2nats: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            service.close();
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        // Ctrl-C and a plain kill are the way to stop a service: close in order and exit 0, not the JVM's 130/143
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                stop.run();
                System.exit(0);
            });
        }
        out.println("saml2nats is ready: open " + config.publicUrl() + "/ (metrics at /metrics, health at /healthz)");
        stopped.await();
        return -1;
    }

    private int check(Syntax.Args a) throws Exception {
        String file = a.bare("FILE").orElseThrow();
        try {
            Policy policy = loader(a).load(Path.of(file));
            out.println(file + ": OK, " + policy.roles().size() + " roles");
            if (a.value("--config").isEmpty()) {
                // an OK must not read as "the service will take it": a misspelt account passes here
                out.println("  account names were not checked against a service config (nor which IdP may grant "
                        + "which account); pass --config FILE (the service's config) to check them");
            }
            return 0;
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private int explain(Syntax.Args a) throws Exception {
        String file = a.value("--policy").orElseThrow();
        List<String> groups = Arrays.stream(a.value("--groups").orElseThrow().split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        String email = a.value("--email", "");
        // as the ACS reads a person: no username unless the IdP sends one (never an e-mail's local part)
        String username = a.value("--username", "");
        String subject = a.value("--subject", email.isEmpty() ? username : email);
        Identity who = new Identity(a.value("--idp", "dev"), subject, email, username, username, groups);
        try {
            Policy policy = loader(a).load(Path.of(file));
            Decision decision = policy.decide(who);
            out.print(Explanation.of(decision));
            // scripts ask "would this person get in?": the exit says it as the DENIED line does
            return decision instanceof Decision.Deny ? 1 : 0;
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private int keys(Syntax syntax, Syntax.Args a) throws Exception {
        if (a.value("--operator").isPresent() == a.bare("DIR").isPresent()) {
            return usage(syntax, "keys init takes DIR, or --operator DIR");
        }
        if (a.value("--operator").isPresent()) {
            return operatorKeys(syntax, a);
        }
        KeysInit.Made made = KeysInit.init(Path.of(a.bare("DIR").get()), new SecureRandom());
        out.println("# keys in " + made.dir().toAbsolutePath() + " (" + KeysInit.ISSUER_FILE + ", " + KeysInit.XKEY_FILE
                + ", " + KeysInit.PASSWORD_FILE + ", " + KeysInit.SYSTEM_PASSWORD_FILE + "), readable by you only.");
        out.println("# Put the first part in nats-server.conf and the second in the saml2nats config; the accounts");
        out.println("# are where your mapping places people (rename them to yours).");
        out.print(made.setup(List.of("DEV", "OPS")));
        return 0;
    }

    /** Operator mode: operator, accounts, creds and a server config; the xkey seals requests. */
    private int operatorKeys(Syntax syntax, Syntax.Args a) throws Exception {
        Path dir = Path.of(a.value("--operator").orElseThrow());
        List<String> accounts = Arrays.stream(a.value("--accounts", "DEV,OPS").split(",")).map(String::trim)
                .filter(n -> !n.isEmpty()).toList();
        for (String account : accounts) {
            if (!account.matches("[A-Za-z0-9_-]+") || account.equals("SYS") || account.equals(OperatorInit.CALLOUT_ACCOUNT)) {
                return usage(syntax, "--accounts: '" + account + "' is not a usable account name (letters, digits, - and _; not SYS or AUTH)");
            }
        }
        boolean defaultSentinel = a.flag("--default-sentinel");
        OperatorInit.Made made = OperatorInit.init(dir, accounts, true, defaultSentinel, new SecureRandom());
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

    /** Exit 0 when every check passes, 1 when any fails. */
    private int inspect(Syntax syntax, Syntax.Args a) throws Exception {
        String file = a.value("--config").orElseThrow();
        Config config = ConfigLoader.withoutSecrets(env).load(Path.of(file));
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
            out.print(saml2nats.saml.Inspection.report(v, idpId, at));
            return v.steps().stream().anyMatch(saml2nats.saml.Step::failed) ? 1 : 0;
        } catch (java.time.format.DateTimeParseException e) {
            return usage(syntax, "--at takes an ISO-8601 instant such as 2020-03-03T19:24:28Z");
        }
    }

    /** With --config, account names are checked against the service config; without, any is accepted. */
    private PolicyLoader loader(Syntax.Args a) throws ConfigException {
        if (a.value("--config").isEmpty()) {
            return PolicyLoader.withoutAccountCheck();
        }
        Config config = ConfigLoader.withoutSecrets(env).load(Path.of(a.value("--config").get()));
        Map<String, java.util.Set<String>> tenancy = new HashMap<>();
        config.idps().stream().filter(i -> !i.accounts().isEmpty()).forEach(i -> tenancy.put(i.id(), i.accounts()));
        return new PolicyLoader(config.accounts(), new Tenancy(tenancy));
    }

    private int usage(String problem) {
        err.println("saml2nats: " + problem);
        err.print(USAGE);
        return 2;
    }

    /** A command used wrongly: what is wrong, then that command's usage only. */
    private int usage(Syntax syntax, String problem) {
        err.println("saml2nats: " + problem);
        err.print(syntax.usage());
        return 2;
    }
}
