package saml2nats.testing;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import saml2nats.Saml2Nats;
import saml2nats.callout.XKey;
import saml2nats.config.Config;
import saml2nats.config.ConfigLoader;
import saml2nats.session.Identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A real nats-server in config mode with auth callout, and the real service wired
 * from a real config file, both on free ports in a temporary directory. Keys are
 * made fresh for every stack.
 */
public final class CalloutStack implements AutoCloseable {
    public static final String SERVICE_USER = "saml2nats";
    public static final String SYS_USER = "sys";

    public final Path dir;
    public final NatsServerProcess server;
    public Saml2Nats service;
    public final String servicePassword;
    public static final String SYS_PASSWORD = "sys-password";
    public final Path auditFile;

    /** Every nats-server of the stack (one, or the cluster's nodes; {@link #server} is the first). */
    public final java.util.List<NatsServerProcess> cluster = new java.util.ArrayList<>();

    /** Operator mode: the sentinel creds every client connects with (its token then reaches the callout). */
    public final java.util.Optional<Path> sentinelCreds;

    private CalloutStack(Path dir, NatsServerProcess server, Saml2Nats service, String password, Path auditFile,
                         java.util.Optional<Path> sentinelCreds) {
        this.dir = dir;
        this.server = server;
        this.service = service;
        this.servicePassword = password;
        this.auditFile = auditFile;
        this.sentinelCreds = sentinelCreds;
    }

    /**
     * The same stack in operator mode: {@code keys init --operator} makes the operator,
     * SYS, AUTH (with the authorization block, and the xkey when asked) and the target
     * accounts DEV, OPS, ACME with one signing key each; nats-server runs the generated
     * operator config with its memory resolver.
     */
    public static CalloutStack startOperator(Path dir, String mapping, boolean xkey, String extraConfig) throws Exception {
        return startOperator(dir, mapping, xkey, false, extraConfig);
    }

    /** With {@code defaultSentinel} the server has {@code default_sentinel} (2.11.2+): clients bring only a token. */
    public static CalloutStack startOperator(Path dir, String mapping, boolean xkey, boolean defaultSentinel,
                                             String extraConfig) throws Exception {
        return startOperator(dir, mapping, xkey, defaultSentinel, extraConfig, false);
    }

    /** With {@code operatorKey} the service holds the operator's seed: key-bound creds, revoked through the account JWT. */
    public static CalloutStack startOperator(Path dir, String mapping, boolean xkey, boolean defaultSentinel,
                                             String extraConfig, boolean operatorKey) throws Exception {
        return startOperator(dir, mapping, xkey, defaultSentinel, extraConfig, operatorKey, 1);
    }

    /**
     * With {@code nodes} > 1, a cluster of operator-mode servers (n1, n2, ...), each with its own full
     * resolver folder, so an account JWT pushed through one reaches the others as the resolver passes it on;
     * the service connects to n1.
     */
    public static CalloutStack startOperator(Path dir, String mapping, boolean xkey, boolean defaultSentinel,
                                             String extraConfig, boolean operatorKey, int nodes) throws Exception {
        Files.writeString(dir.resolve("mapping.yaml"), mapping);
        saml2nats.keys.OperatorInit.Made made = saml2nats.keys.OperatorInit.init(dir.resolve("op"),
                java.util.List.of("DEV", "OPS", "ACME"), xkey, defaultSentinel, new SecureRandom());
        Path conf = dir.resolve("op").resolve(saml2nats.keys.OperatorInit.SERVER_CONF);
        java.util.List<NatsServerProcess> cluster = new java.util.ArrayList<>();
        if (nodes == 1) {
            cluster.add(NatsServerProcess.startWithFile(dir, conf, Map.of()));
        } else {
            String text = Files.readString(conf);
            String opDir = dir.resolve("op").toAbsolutePath().toString();
            java.util.List<Integer> routes = new java.util.ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                routes.add(NatsServerProcess.freePort());
            }
            String routeUrls = String.join(", ", routes.stream().map(p -> "nats://127.0.0.1:" + p).toList());
            try {
                for (int i = 0; i < nodes; i++) {
                    Path node = Files.createDirectories(dir.resolve("n" + (i + 1)));
                    cluster.add(NatsServerProcess.start(node, "server_name: n%d\ncluster { name: c1, listen: \"127.0.0.1:%d\", routes: [ %s ] }\n"
                            .formatted(i + 1, routes.get(i), routeUrls) + text.replace(opDir + "/jwt", node.toAbsolutePath() + "/jwt")
                            .replace(opDir + "/jetstream", node.toAbsolutePath() + "/jetstream")));
                }
            } catch (Exception e) {
                for (NatsServerProcess n : cluster) {
                    n.close();
                }
                throw e;
            }
        }
        NatsServerProcess server = cluster.get(0);
        try {
            Path audit = dir.resolve("audit.jsonl");
            StringBuilder accounts = new StringBuilder();
            made.signingKeys().forEach((name, key) -> accounts.append("    ").append(name).append(": { public_key: ")
                    .append(made.accounts().get(name)).append(", signing_key_files: [").append(key).append("] }\n"));
            Saml2Nats service = startService(dir, """
                    public_url: http://localhost:8080
                    http_port: 0
                    nats:
                      url: %s
                      creds_file: op/service.creds
                      system_creds_file: op/sys.creds
                    callout:
                      issuer_seed_file: op/AUTH.nk
                      %s
                    operator:
                      %s
                      %s
                      accounts:
                    %s
                    """.formatted(server.url(), xkey ? "xkey_seed_file: op/xkey.xk" : "",
                    defaultSentinel ? "" : "sentinel_creds_file: op/sentinel.creds",
                    operatorKey ? "operator_seed_file: op/operator.nk" : "", accounts), audit, extraConfig);
            CalloutStack stack = new CalloutStack(dir, server, service, "", audit, defaultSentinel ? java.util.Optional.empty()
                    : java.util.Optional.of(dir.resolve("op/sentinel.creds")));
            if (nodes > 1) {
                stack.cluster.addAll(cluster);
            }
            return stack;
        } catch (Exception e) {
            for (NatsServerProcess n : cluster) {
                n.close();
            }
            throw e;
        }
    }

    /**
     * Writes the service config (a mode's own lines, then what every stack shares: the mapping file
     * it polls, the audit log, the test's extra lines) as saml2nats.yaml and starts the service on it.
     */
    private static Saml2Nats startService(Path dir, String ownLines, Path audit, String extraConfig) throws Exception {
        Path configFile = dir.resolve("saml2nats.yaml");
        Files.writeString(configFile, ownLines + """
                policy:
                  file: mapping.yaml
                  poll: 200ms
                audit_log: %s
                %s
                """.formatted(audit, extraConfig));
        Config config = new ConfigLoader(Map.of()).load(configFile);
        return Saml2Nats.start(config, Clock.systemUTC());
    }

    /**
     * @param mapping the mapping file's text
     * @param xkey    whether the server seals requests with an xkey
     * @param extraConfig more lines for the service config (top level)
     */
    public static CalloutStack start(Path dir, String mapping, boolean xkey, String extraConfig) throws Exception {
        return start(dir, mapping, xkey, extraConfig, 0);
    }

    /** With {@code httpPort} > 0 the web front listens there and public_url is http://localhost:httpPort (for a real browser). */
    public static CalloutStack start(Path dir, String mapping, boolean xkey, String extraConfig, int httpPort) throws Exception {
        return start(dir, mapping, xkey, extraConfig, httpPort, 1, "");
    }

    /** With {@code serverConfig}: more lines for nats-server's config (say, {@code prof_port} to profile it). */
    public static CalloutStack startWithServerConfig(Path dir, String mapping, boolean xkey, String serverConfig)
            throws Exception {
        return start(dir, mapping, xkey, "", 0, 1, serverConfig);
    }

    /** Both: more service config ({@code extraConfig}) and more nats-server config ({@code serverConfig}). */
    public static CalloutStack startWithServerConfig(Path dir, String mapping, String extraConfig, String serverConfig)
            throws Exception {
        return start(dir, mapping, false, extraConfig, 0, 1, serverConfig);
    }

    /**
     * A cluster of {@code nodes} nats-servers on loopback (JetStream clustered, so KV buckets
     * can have 3 replicas); the service connects to the first. {@link #cluster} holds them all.
     */
    public static CalloutStack startCluster(Path dir, String mapping, int nodes, String extraConfig) throws Exception {
        return start(dir, mapping, false, extraConfig, 0, nodes, "");
    }

    private static CalloutStack start(Path dir, String mapping, boolean xkey, String extraConfig, int httpPort,
                                      int nodes, String serverConfig) throws Exception {
        SecureRandom random = new SecureRandom();
        NKey issuer = NKey.createAccount(random);
        XKey serviceXkey = XKey.generate(random);
        String password = "pw-" + Long.toHexString(random.nextLong());
        Files.writeString(dir.resolve("issuer.nk"), new String(issuer.getSeed()));
        Files.writeString(dir.resolve("xkey.xk"), serviceXkey.seed());
        Files.writeString(dir.resolve("nats-password"), password);
        Files.writeString(dir.resolve("sys-password"), SYS_PASSWORD);
        Files.writeString(dir.resolve("mapping.yaml"), mapping);

        String natsConf = """
                accounts {
                  AUTH { jetstream: enabled, users: [ { user: %s, password: "%s" } ] }
                  DEV {}
                  OPS {}
                  ACME {}
                  SYS { users: [ { user: %s, password: "%s" } ] }
                }
                system_account: SYS
                %s
                authorization {
                  auth_callout {
                    issuer: %s
                    account: AUTH
                    auth_users: [ %s, %s ]
                    %s
                  }
                }
                """.formatted(SERVICE_USER, password, SYS_USER, SYS_PASSWORD, serverConfig, new String(issuer.getPublicKey()),
                SERVICE_USER, SYS_USER, xkey ? "xkey: " + serviceXkey.publicKey() : "");
        NatsServerProcess server = null;
        java.util.List<NatsServerProcess> cluster = new java.util.ArrayList<>();
        try {
            if (nodes == 1) {
                server = NatsServerProcess.start(dir, "jetstream { store_dir: \"" + dir.resolve("js") + "\" }\n" + natsConf);
                cluster.add(server);
            } else {
                java.util.List<Integer> routes = new java.util.ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    routes.add(NatsServerProcess.freePort());
                }
                String routeUrls = String.join(", ", routes.stream().map(p -> "nats://127.0.0.1:" + p).toList());
                for (int i = 0; i < nodes; i++) {
                    Path node = Files.createDirectories(dir.resolve("n" + (i + 1)));
                    cluster.add(NatsServerProcess.start(node, """
                            server_name: n%d
                            jetstream { store_dir: "%s" }
                            cluster { name: c1, listen: "127.0.0.1:%d", routes: [ %s ] }
                            """.formatted(i + 1, node.resolve("js"), routes.get(i), routeUrls) + natsConf));
                }
                server = cluster.get(0);
            }
            Path audit = dir.resolve("audit.jsonl");
            Saml2Nats service = startService(dir, """
                    public_url: http://localhost:%s
                    http_port: %s
                    nats:
                      url: %s
                      user: %s
                      password_file: nats-password
                      system_user: sys
                      system_password_file: sys-password
                    callout:
                      issuer_seed_file: issuer.nk
                      %s
                    accounts: [DEV, OPS, ACME]
                    """.formatted(httpPort > 0 ? httpPort : 8080, httpPort, server.url(), SERVICE_USER,
                    xkey ? "xkey_seed_file: xkey.xk" : ""), audit, extraConfig);
            CalloutStack stack = new CalloutStack(dir, server, service, password, audit, java.util.Optional.empty());
            stack.cluster.addAll(cluster);
            return stack;
        } catch (Exception e) {
            for (NatsServerProcess n : cluster) {
                n.close();
            }
            throw e;
        }
    }

    public String signIn(Identity who, Duration length) {
        return service.sessions().create(who, length).token();
    }

    /** A client that connects once and does not reconnect; throws on refusal. */
    public Client connect(String token) throws IOException, InterruptedException {
        return connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0));
    }

    public Client connect(Options.Builder options) throws IOException, InterruptedException {
        return connect(server, options);
    }

    /** A client of one particular server (of a cluster). */
    public Client connect(NatsServerProcess to, Options.Builder options) throws IOException, InterruptedException {
        Client client = new Client();
        sentinelCreds.ifPresent(creds -> options.authHandler(Nats.credentials(creds.toString())));
        Options o = options.server(to.url()).ignoreDiscoveredServers() // this server only, not the cluster's others
                .connectionTimeout(Duration.ofSeconds(5))
                .errorListener(client)
                .connectionListener(client)
                .build();
        client.connection = Nats.connect(o);
        return client;
    }

    /** A client of the callout account itself, as the service connects (bypasses the callout). */
    public Connection connectAsService() throws IOException, InterruptedException {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(SERVICE_USER, servicePassword)
                .maxReconnects(-1).build());
    }

    public String audit() throws IOException {
        return Files.exists(auditFile) ? Files.readString(auditFile) : "";
    }

    /** A jnats connection with the errors and events the server sent it, for asserting on. */
    public static final class Client implements ErrorListener, ConnectionListener, AutoCloseable {
        public Connection connection;
        public final BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        public final BlockingQueue<ConnectionListener.Events> events = new LinkedBlockingQueue<>();

        @Override
        public void errorOccurred(Connection conn, String error) {
            errors.add(error);
        }

        @Override
        public void connectionEvent(Connection conn, Events type) {
            events.add(type);
        }

        /** The CLOSED event if it comes within {@code limit} (a kick), else the last event seen. */
        public ConnectionListener.Events awaitClosed(Duration limit) throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            ConnectionListener.Events e = null;
            while (e != ConnectionListener.Events.CLOSED && System.nanoTime() < end) {
                e = events.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            return e;
        }

        @Override
        public void close() throws InterruptedException {
            connection.close();
        }
    }

    /**
     * Stops the stack's own replica and starts it again from its config file (as edited
     * since); the new one becomes {@link #service}.
     */
    public void restartService() throws Exception {
        service.close();
        service = startReplica();
    }

    /**
     * Another replica of the service from the same config file (its own web port), in the
     * same queue group; with {@code store: nats-kv} it shares the sessions. The caller closes it.
     */
    public Saml2Nats startReplica() throws Exception {
        return startReplica(server);
    }

    /** A replica connected to one particular server (of a cluster). */
    public Saml2Nats startReplica(NatsServerProcess to) throws Exception {
        Config config = new ConfigLoader(Map.of("SAML2NATS_HTTP_PORT", "0", "SAML2NATS_NATS_URL", to.url()))
                .load(dir.resolve("saml2nats.yaml"));
        return Saml2Nats.start(config, Clock.systemUTC());
    }

    @Override
    public void close() throws Exception {
        service.close();
        for (NatsServerProcess n : cluster.isEmpty() ? java.util.List.of(server) : cluster) {
            n.close();
        }
    }
}
