package saml2nats;

import saml2nats.callout.KeysInit;
import saml2nats.callout.OperatorInit;
import saml2nats.cli.CliException;
import saml2nats.cli.EndSessions;
import saml2nats.cli.Login;
import saml2nats.cli.NatsContext;
import saml2nats.cli.ServiceClient;
import saml2nats.cli.SystemBrowser;
import saml2nats.config.Config;
import saml2nats.config.ConfigException;
import saml2nats.config.ConfigLoader;
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

/** The command line: {@code serve | login | logout | whoami | check | explain | keys init | saml inspect}. */
public final class Main {
    static final String DEFAULT_CONFIG = "config/saml2nats.yaml";
    private static final String USAGE = """
            usage: saml2nats <command> [options]

              serve   [--config FILE]          run the service (default config: config/saml2nats.yaml)
              login   --url URL [--context NAME] [--device]
                                               sign in through the service at URL (your browser, or with
                                               --device a code to enter in any browser) and write the NATS
                                               CLI context NAME (default saml2nats) with the token
              logout  [--context NAME] [--url URL]
                                               end that session on the server, remove the token from the context
              whoami  [--context NAME] [--url URL]
                                               show identity, NATS grant and session end of the context's token
              sessions end --url URL --idp ID --subject NAMEID
                                               (admin, token in $SAML2NATS_ADMIN_TOKEN) end every session of one
                                               person and kick their NATS connections
              check   FILE [--config FILE]     validate a mapping file; exit 1 with file:line reasons
              explain --policy FILE --groups a,b [--email E] [--username U] [--subject NAMEID] [--idp I] [--config FILE]
                                               print the grant a person would get and which roles gave it
              keys init DIR                    make the callout issuer key, an xkey and a NATS password in DIR
                                               and print the matching auth_callout block
              keys init --operator DIR [--accounts DEV,OPS]
                                               operator mode: an operator, SYS, AUTH and the accounts (JWTs,
                                               seeds, signing keys, creds) and nats-server-operator.conf
              saml inspect FILE --config CFG --idp ID [--at TIME] [--acs URL --sp-entity-id ID]
                                               decode a SAML Response (XML or the base64 form value) and show
                                               every validation check the ACS runs, evaluated at TIME (ISO-8601)
            """;

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        int code = new Main(System.out, System.err).run(args);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** The exit code, or -1 when the service keeps running. */
    int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
        try {
            return switch (args[0]) {
                case "serve" -> serve(opts);
                case "login" -> login(opts);
                case "logout" -> signedIn(opts, saml2nats.cli.Logout::run);
                case "whoami" -> signedIn(opts, saml2nats.cli.Whoami::run);
                case "sessions" -> endSessions(opts);
                case "check" -> check(opts);
                case "explain" -> explain(opts);
                case "keys" -> keys(opts);
                case "saml" -> inspect(opts);
                default -> usage("unknown command '" + args[0] + "'");
            };
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException | CliException e) {
            err.println("saml2nats: " + e.getMessage());
            return 1;
        }
    }

    private int login(Map<String, String> opts) throws CliException {
        if (!opts.containsKey("--url")) {
            return usage("login needs --url URL (the saml2nats service, e.g. https://nats-login.example.com)");
        }
        String context = opts.getOrDefault("--context", NatsContext.DEFAULT_NAME);
        Login login = new Login(new ServiceClient(serviceUrl(opts.get("--url"))), NatsContext.fromEnvironment(System.getenv()),
                out, new SecureRandom(), d -> Thread.sleep(d.toMillis()));
        if (opts.containsKey("--device")) {
            login.withCode(context);
        } else {
            login.withBrowser(context, new SystemBrowser());
        }
        return 0;
    }

    private int endSessions(Map<String, String> opts) throws CliException {
        if (!"end".equals(opts.get("_1")) || !opts.containsKey("--url") || !opts.containsKey("--idp") || !opts.containsKey("--subject")) {
            return usage("sessions end --url URL --idp ID --subject NAMEID");
        }
        EndSessions.run(serviceUrl(opts.get("--url")), System.getenv(EndSessions.TOKEN_ENV), opts.get("--idp"),
                opts.get("--subject"), out);
        return 0;
    }

    /** logout and whoami: a context's token and, optionally, the service URL. */
    interface WithToken {
        void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out) throws CliException;
    }

    private int signedIn(Map<String, String> opts, WithToken command) throws CliException {
        Optional<URI> url = opts.containsKey("--url") ? Optional.of(serviceUrl(opts.get("--url"))) : Optional.empty();
        command.run(NatsContext.fromEnvironment(System.getenv()), opts.getOrDefault("--context", NatsContext.DEFAULT_NAME),
                url, out);
        return 0;
    }

    private static URI serviceUrl(String url) throws CliException {
        try {
            URI u = new URI(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new CliException("--url must be the service's http(s) address, like https://nats-login.example.com; got " + url);
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new CliException("--url is not a URL: " + e.getMessage());
        }
    }

    private int serve(Map<String, String> opts) throws Exception {
        Config config = new ConfigLoader(System.getenv()).load(Path.of(opts.getOrDefault("--config", DEFAULT_CONFIG)));
        Saml2Nats service;
        try {
            service = Saml2Nats.start(config, Clock.systemUTC());
        } catch (PolicyException e) {
            err.println("the mapping file is not usable, so the service does not start:\n" + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "shutdown"));
        out.println("saml2nats is running: open " + config.publicUrl() + "/ (metrics at /metrics, health at /healthz)");
        stopped.await();
        return -1;
    }

    private int check(Map<String, String> opts) throws Exception {
        String file = opts.get("_1");
        if (file == null) {
            return usage("check needs a FILE");
        }
        try {
            Policy policy = loader(opts).load(Path.of(file));
            out.println(file + ": OK, " + policy.roles().size() + " roles");
            return 0;
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private int explain(Map<String, String> opts) throws Exception {
        String file = opts.get("--policy");
        if (file == null || !opts.containsKey("--groups")) {
            return usage("explain needs --policy FILE and --groups a,b");
        }
        List<String> groups = Arrays.stream(opts.get("--groups").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String email = opts.getOrDefault("--email", "");
        // as the ACS reads a person: no username unless the IdP sends one (never an e-mail's local part)
        String username = opts.getOrDefault("--username", "");
        String subject = opts.getOrDefault("--subject", email.isEmpty() ? username : email);
        Identity who = new Identity(opts.getOrDefault("--idp", "dev"), subject, email, username, username, groups);
        try {
            Policy policy = loader(opts).load(Path.of(file));
            out.print(Explanation.of(policy.decide(who)));
            return 0;
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private int keys(Map<String, String> opts) throws Exception {
        if ("init".equals(opts.get("_1")) && opts.containsKey("--operator")) {
            return operatorKeys(opts);
        }
        if (!"init".equals(opts.get("_1")) || opts.get("_2") == null) {
            return usage("keys init DIR, or keys init --operator DIR [--accounts DEV,OPS]");
        }
        KeysInit.Made made = KeysInit.init(Path.of(opts.get("_2")), new SecureRandom());
        out.println("# keys in " + made.dir() + " (" + KeysInit.ISSUER_FILE + ", " + KeysInit.XKEY_FILE + ", "
                + KeysInit.PASSWORD_FILE + ", " + KeysInit.SYSTEM_PASSWORD_FILE + "), readable by you only. "
                + "Put this in nats-server.conf:");
        out.print(made.authCalloutBlock("saml2nats", "AUTH"));
        return 0;
    }

    /** Operator mode: operator, accounts, creds and a server config; the xkey seals requests. */
    private int operatorKeys(Map<String, String> opts) throws Exception {
        Path dir = Path.of(opts.get("--operator"));
        List<String> accounts = Arrays.stream(opts.getOrDefault("--accounts", "DEV,OPS").split(",")).map(String::trim)
                .filter(a -> !a.isEmpty()).toList();
        for (String a : accounts) {
            if (!a.matches("[A-Za-z0-9_-]+") || a.equals("SYS") || a.equals(OperatorInit.CALLOUT_ACCOUNT)) {
                return usage("--accounts: '" + a + "' is not a usable account name (letters, digits, - and _; not SYS or AUTH)");
            }
        }
        OperatorInit.Made made = OperatorInit.init(dir, accounts, true, new SecureRandom());
        out.println("# operator mode keys in " + made.dir().toAbsolutePath() + " (seeds and creds readable by you only)");
        out.println("# accounts: " + made.accounts());
        out.println("# 1. run nats-server:   nats-server -c " + made.dir().toAbsolutePath().resolve(OperatorInit.SERVER_CONF));
        out.println("# 2. put this in the saml2nats config (the mapping file names accounts by these names):");
        out.print(made.serviceConfig());
        out.println("# 3. clients connect with the sentinel creds and their token:");
        out.println("#    nats --creds " + made.dir().toAbsolutePath().resolve(OperatorInit.SENTINEL_CREDS) + " --token s2n_... sub '>'");
        return 0;
    }

    /** Exit 0 when every check passes, 1 when any fails. */
    private int inspect(Map<String, String> opts) throws Exception {
        if (!"inspect".equals(opts.get("_1")) || opts.get("_2") == null || !opts.containsKey("--config") || !opts.containsKey("--idp")) {
            return usage("saml inspect FILE --config CFG --idp ID [--at TIME]");
        }
        Config config = ConfigLoader.withoutSecrets(System.getenv()).load(Path.of(opts.get("--config")));
        saml2nats.saml.OpenSaml saml = new saml2nats.saml.OpenSaml();
        String idpId = opts.get("--idp");
        try (saml2nats.saml.IdpRegistry idps = new saml2nats.saml.IdpRegistry(saml, config.idps(), (i, ok) -> { })) {
            var idp = idps.find(idpId).orElseThrow(() -> new IllegalArgumentException("no IdP '" + idpId + "' in "
                    + opts.get("--config") + "; configured: " + config.idps().stream().map(Config.Idp::id).toList()));
            var decryption = config.sp().decryptionKey().map(k -> new saml2nats.saml.SpSettings.KeyPair(
                    saml2nats.saml.Certificates.privateKey(k, "sp.decryption_key_file"),
                    saml2nats.saml.Certificates.parse(config.sp().decryptionCertificate().orElseThrow(() ->
                            new IllegalArgumentException("sp.decryption_certificate_file is needed with the key")).toString(), "sp")));
            var sp = new saml2nats.saml.ServiceProvider(saml, config.publicUrl(), Optional.empty(), decryption,
                    saml2nats.saml.ServiceProvider.namesOf(config.idps()));
            var spSettings = new saml2nats.saml.SpSettings(opts.getOrDefault("--sp-entity-id", sp.entityId(idpId)),
                    opts.getOrDefault("--acs", sp.acsUrl(idpId)), decryption);
            java.time.Instant at = opts.containsKey("--at") ? java.time.Instant.parse(opts.get("--at")) : java.time.Instant.now();
            var v = saml2nats.saml.Inspection.run(saml, java.nio.file.Files.readString(Path.of(opts.get("_2"))),
                    idp.trust().settings(), spSettings, at);
            out.print(saml2nats.saml.Inspection.report(v, idpId, at));
            return v.steps().stream().anyMatch(saml2nats.saml.Step::failed) ? 1 : 0;
        } catch (java.time.format.DateTimeParseException e) {
            return usage("--at takes an ISO-8601 instant such as 2020-03-03T19:24:28Z");
        }
    }

    /** With --config, account names are checked against the service config; without, any is accepted. */
    private static PolicyLoader loader(Map<String, String> opts) throws ConfigException {
        if (!opts.containsKey("--config")) {
            return PolicyLoader.withoutAccountCheck();
        }
        Config config = ConfigLoader.withoutSecrets(System.getenv()).load(Path.of(opts.get("--config")));
        Map<String, java.util.Set<String>> tenancy = new HashMap<>();
        config.idps().stream().filter(i -> !i.accounts().isEmpty()).forEach(i -> tenancy.put(i.id(), i.accounts()));
        return new PolicyLoader(config.accounts(), new Tenancy(tenancy));
    }

    private int usage(String problem) {
        err.println("saml2nats: " + problem);
        err.print(USAGE);
        return 2;
    }

    /** Options that take no value. */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("--device");

    /** {@code --name value} pairs, {@link #FLAGS} alone; bare words as _1, _2, ... */
    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        int bare = 0;
        for (int i = 0; i < args.length; i++) {
            if (FLAGS.contains(args[i])) {
                opts.put(args[i], "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i], args[++i]);
            } else {
                opts.put("_" + (++bare), args[i]);
            }
        }
        return opts;
    }
}
