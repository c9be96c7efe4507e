package saml2nats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.audit.AuditLog;
import saml2nats.callout.Authorizer;
import saml2nats.callout.CalloutKeys;
import saml2nats.callout.CalloutResponder;
import saml2nats.callout.Kicker;
import saml2nats.callout.ServerTrust;
import saml2nats.config.Config;
import saml2nats.policy.PolicyException;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.PolicySource;
import saml2nats.policy.Tenancy;
import saml2nats.session.AccessToken;
import saml2nats.session.CaffeineSessionStore;
import saml2nats.session.SessionStore;
import saml2nats.web.WebApp;
import saml2nats.saml.SlotRequestLedger;
import saml2nats.saml.RequestLedger;
import saml2nats.config.Certificates;
import saml2nats.saml.DevIdp;
import saml2nats.saml.IdpRegistry;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.ResponseValidator;
import saml2nats.saml.ServiceProvider;
import saml2nats.saml.SpSettings;
import java.util.Optional;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import saml2nats.session.CookieStore;
import saml2nats.session.KvSessionStore;
import saml2nats.session.KvSlots;
import saml2nats.session.MemorySlots;
import saml2nats.session.Slots;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running service, wired in one place from a {@link Config}: sessions, policy,
 * the NATS connection and callout responder, the web front and the metrics.
 */
public final class Saml2Nats implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Saml2Nats.class);

    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionStore sessions;
    private final PolicySource policy;
    private final AuditLog audit;
    private final Connection nats;
    /** One per callout worker: the server checks replies per connection (see CalloutResponder). */
    private final List<Connection> replyConnections;
    private final CalloutResponder responder;
    private final WebApp web;
    private IdpRegistry idps;
    private Kicker kicker;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final NatsLog natsLog;

    private Saml2Nats(Config config, Clock clock) throws IOException, PolicyException, InterruptedException {
        this.natsLog = new NatsLog(clock);
        CalloutKeys keys = calloutKeys(config);
        refuseDevIdpInPublic(config);

        Map<String, Set<String>> tenancy = new LinkedHashMap<>();
        config.idps().stream().filter(i -> !i.accounts().isEmpty()).forEach(i -> tenancy.put(i.id(), i.accounts()));
        Counter accepted = reloads("accepted");
        Counter rejected = reloads("rejected");
        this.policy = PolicySource.open(config.policyFile(), new PolicyLoader(config.accounts(), new Tenancy(tenancy)),
                (ok, findings) -> (ok ? accepted : rejected).increment()).watch(config.policyPoll());

        AuditLog audit = null;
        Connection nats = null;
        CalloutResponder responder = null;
        SessionStore sessions = null;
        List<Connection> replyConnections = new java.util.ArrayList<>();
        try {
            audit = openAudit(config);
            nats = connectAtStart(natsOptionsBuilder(config, "saml2nats").build(), serviceUser(config), config);
            sessions = sessionStore(config, clock, nats);
            this.sessions = sessions;
            Gauge.builder("saml2nats.sessions.live", sessions, SessionStore::liveCount)
                    .description("sessions that have not ended").register(metrics);
            Optional<Connection> system = systemConnection(config, natsLog);
            kicker = new Kicker(system, metrics, clock, config.sessions().max()); // closes the system connection
            // a connection is recorded for kicks before its answer goes out (Kicker keeps ended sessions' tombstones)
            Authorizer authorizer = new Authorizer(keys, serverTrust(config, system), sessions, policy::current, clock,
                    kicker::connected);
            sessions.onEnd(kicker::ended);
            for (int i = 0; i < config.callout().workers(); i++) {
                // max_pings_out: the answer window sends a PING whenever answers are unconfirmed, and one that timed
                // out stays counted until its PONG comes; jnats's default 2 would drop the connection mid-storm
                replyConnections.add(connectAtStart(natsOptionsBuilder(config, "saml2nats-reply-" + (i + 1))
                        .maxPingsOut(64).build(), serviceUser(config), config));
            }
            responder = new CalloutResponder(nats, replyConnections, authorizer, audit, metrics,
                    new CalloutResponder.Settings(config.callout().queueGroup(), config.callout().workers(),
                            config.callout().maxPending(), config.callout().maxWait()), clock).start();
            Connection connection = nats;
            this.web = listen(new WebApp(webParts(config, clock, audit, () -> connection.getStatus() == Connection.Status.CONNECTED,
                    ledger(config, clock, nats), cookies(config, clock, nats), cliSlots(config, clock, nats),
                    () -> maxPayload(connection))), config);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a half-started service must not leave a NATS connection or a poller behind
            replyConnections.forEach(c -> closeQuietly(c::close));
            closeQuietly(responder, kicker, sessions instanceof AutoCloseable c ? c : null, nats, policy, audit, idps);
            throw e;
        }
        this.audit = audit;
        this.nats = nats;
        this.replyConnections = List.copyOf(replyConnections);
        this.responder = responder;
        log.info("saml2nats ready: web on port {}, callout issuer {}, xkey {}", web.port(), keys.issuerPublic(),
                keys.xkey().map(x -> x.publicKey()).orElse("off"));
    }

    public static Saml2Nats start(Config config, Clock clock) throws IOException, PolicyException, InterruptedException {
        return new Saml2Nats(config, clock);
    }

    /** The SAML side: IdPs (and the dev IdP), this service as SP, the validator and its ledger. */
    private WebApp.Parts webParts(Config config, Clock clock, AuditLog audit, java.util.function.BooleanSupplier connected,
                                  RequestLedger ledger, CookieStore cookies, Slots cliSlots,
                                  java.util.function.Supplier<java.util.OptionalLong> maxPayload) {
        OpenSaml saml = new OpenSaml();
        ServiceProvider sp = new ServiceProvider(saml, config.publicUrl(),
                keyPair(config.sp().signingKey(), config.sp().signingCertificate(), "sp.signing"),
                keyPair(config.sp().decryptionKey(), config.sp().decryptionCertificate(), "sp.decryption"),
                ServiceProvider.namesOf(config.idps()));
        this.idps = new IdpRegistry(saml, config.idps(), (idp, ok) -> Counter.builder("saml2nats.idp.metadata.refreshes")
                .description("IdP metadata refreshes by outcome; a failure keeps the last good copy")
                .tag("idp", idp).tag("outcome", ok ? "ok" : "failed").register(metrics).increment());
        Optional<DevIdp> dev = config.devIdp() ? Optional.of(new DevIdp(saml, sp, config.publicUrl(), clock)) : Optional.empty();
        dev.ifPresent(d -> idps.add(d.provider()));
        return new WebApp.Parts(config, sessions, policy, metrics, connected, idps, sp, new ResponseValidator(saml, clock),
                ledger, dev, audit, clock, saml, cookies, sentinelCreds(config), cliSlots, maxPayload);
    }

    /** The largest message the connected server takes (its INFO's max_payload), the size limit people meet. */
    private static java.util.OptionalLong maxPayload(Connection connection) {
        io.nats.client.api.ServerInfo info = connection.getServerInfo();
        return info == null || info.getMaxPayload() <= 0 ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(info.getMaxPayload());
    }

    private static Optional<SpSettings.KeyPair> keyPair(Optional<java.nio.file.Path> key, Optional<java.nio.file.Path> cert, String setting) {
        if (key.isEmpty() && cert.isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty() || cert.isEmpty()) {
            throw new IllegalArgumentException(setting + ": give both the key file and the certificate file");
        }
        return Optional.of(new SpSettings.KeyPair(Certificates.privateKey(key.get(), setting + "_key_file"),
                Certificates.parse(cert.get().toString(), setting + "_certificate_file")));
    }

    private Counter reloads(String outcome) {
        return Counter.builder("saml2nats.policy.reloads").description("mapping file reloads by outcome")
                .tag("outcome", outcome).register(metrics);
    }

    private static void refuseDevIdpInPublic(Config config) {
        String host = config.publicUrl().getHost();
        if (config.devIdp() && !(host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"))) {
            throw new IllegalArgumentException("dev_idp: true lets anybody sign in as a test person; it is refused when "
                    + "public_url is not on localhost (it is " + config.publicUrl() + "). Set dev_idp: false.");
        }
    }

    /**
     * {@code store: embedded} (default): this process's memory. {@code store: nats-kv}: JetStream KV
     * shared by every replica, so sessions survive restarts and a sign-out anywhere is seen everywhere.
     */
    private static SessionStore sessionStore(Config config, Clock clock, Connection nats) throws IOException, InterruptedException {
        AccessToken tokens = new AccessToken(new SecureRandom());
        if (config.store().kind() == Config.Store.Kind.NATS_KV) {
            // wait for the first connection: the bucket must load before the first request is answered
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (nats.getStatus() != Connection.Status.CONNECTED && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            return KvSessionStore.open(nats, config.store().bucketPrefix() + "-sessions", config.store().replicas(),
                    config.sessions().length(), config.sessions().max(), clock, tokens);
        }
        return new CaffeineSessionStore(config.sessions().max(), clock, tokens);
    }

    /** Browser sign-ins (cookie to session): with the sessions, so a page may load from any replica. */
    private static CookieStore cookies(Config config, Clock clock, Connection nats) throws IOException {
        return new CookieStore(config.store().kind() == Config.Store.Kind.NATS_KV
                ? KvSlots.open(nats, config.store().bucketPrefix() + "-browsers", config.store().replicas(),
                        config.sessions().length().plusMinutes(1))
                : new MemorySlots(config.sessions().max(), clock), clock);
    }

    /** Operator mode: the sentinel creds handed to clients, read once; must look like a creds file. */
    private static Optional<String> sentinelCreds(Config config) {
        return config.operator().flatMap(Config.Operator::sentinelCreds).map(path -> {
            try {
                String text = java.nio.file.Files.readString(path);
                if (!text.contains("-----BEGIN NATS USER JWT-----")) {
                    throw new IllegalArgumentException("operator.sentinel_creds_file " + path + " is not a NATS creds file");
                }
                return text;
            } catch (IOException e) {
                throw new IllegalArgumentException("operator.sentinel_creds_file: cannot read " + path + " (" + e.getMessage() + ")");
            }
        });
    }

    /** Pending CLI sign-in codes: with the sessions, so any replica can finish what another started. */
    private static Slots cliSlots(Config config, Clock clock, Connection nats) throws IOException {
        if (config.store().kind() == Config.Store.Kind.NATS_KV) {
            return KvSlots.open(nats, config.store().bucketPrefix() + "-cli", config.store().replicas(), Duration.ofMinutes(30));
        }
        return new MemorySlots(config.sessions().max(), clock);
    }

    /** Where AuthnRequest and Assertion IDs are remembered: with the sessions, so replicas share them. */
    private static RequestLedger ledger(Config config, Clock clock, Connection nats) throws IOException {
        if (config.store().kind() == Config.Store.Kind.NATS_KV) {
            return SlotRequestLedger.open(nats, config.store().bucketPrefix(), config.store().replicas(),
                    RequestLedger.REQUEST_LIFETIME, RequestLedger.ASSERTION_MEMORY, clock);
        }
        return SlotRequestLedger.inMemory(config.sessions().max(), clock);
    }

    /** The callout keys and, in operator mode, each target account's signing keys; parsed once. */
    static CalloutKeys calloutKeys(Config config) {
        CalloutKeys base = CalloutKeys.fromSeeds(config.callout().issuerSeed().value(),
                config.callout().xkeySeed().map(s -> s.value()));
        if (config.operator().isEmpty()) {
            return base;
        }
        Map<String, CalloutKeys.Account> accounts = new LinkedHashMap<>();
        config.operator().get().accounts().forEach((name, a) -> accounts.put(name, CalloutKeys.account(name, a.publicKey(),
                a.signingKeys().stream().map(s -> s.value()).toList())));
        return new CalloutKeys(base.issuer(), base.xkey(), accounts);
    }

    /**
     * Which servers' requests are answered: callout.allowed_servers when listed, else the servers the
     * system account knows, else (said loudly) any server whose signature verifies.
     */
    private static ServerTrust serverTrust(Config config, Optional<Connection> system) {
        if (!config.callout().allowedServers().isEmpty()) {
            return ServerTrust.listed(config.callout().allowedServers());
        }
        if (system.isPresent()) {
            log.info("callout: answering the servers the system account knows (a new server key is checked with "
                    + "$SYS.REQ.SERVER.<id>.IDZ on its first request)");
            return ServerTrust.systemAccount(system.get());
        }
        log.warn("callout: no allowed_servers and no system user (nats.system_user), so a request signed by any server "
                + "key is answered; nats-server's own deny of $SYS.REQ.USER.AUTH to clients of the callout account is "
                + "then the only guard. Configure nats.system_user (saml2nats keys init makes one)");
        return ServerTrust.ANY_SIGNING_SERVER;
    }

    /** The system-account connection that kicks ended sessions' clients, when configured. */
    private Optional<Connection> systemConnection(Config config, NatsLog natsLog) throws IOException, InterruptedException {
        if (!config.nats().hasSystemAccess()) {
            return Optional.empty();
        }
        Options.Builder b = new Options.Builder().server(config.nats().url()).connectionName("saml2nats-system")
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).connectionTimeout(Duration.ofSeconds(5))
                .connectionListener(natsLog).errorListener(natsLog);
        if (config.nats().systemCredsFile().isPresent()) {
            b.authHandler(Nats.credentials(config.nats().systemCredsFile().get().toString()));
        } else {
            b.userInfo(config.nats().systemUser().get(), config.nats().systemPassword().map(s -> s.value()).orElse(""));
        }
        String who = config.nats().systemCredsFile().map(f -> "nats.system_creds_file " + f)
                .orElse("nats.system_user '" + config.nats().systemUser().orElse("") + "'");
        // in config mode a system user missing from auth_users goes through the callout, which places
        // people only: it is refused (after the server's auth timeout) and sign-out could never kick
        return Optional.of(connectAtStart(b.build(), who + " (must be in auth_callout.auth_users in config mode; "
                + "saml2nats keys init prints a block that lists it)", config));
    }

    private Options.Builder natsOptionsBuilder(Config config, String name) {
        Options.Builder b = new Options.Builder()
                .server(config.nats().url())
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .connectionListener(natsLog)
                .errorListener(natsLog);
        if (config.nats().credsFile().isPresent()) {
            b.authHandler(Nats.credentials(config.nats().credsFile().get().toString()));
        } else if (config.nats().password().isPresent()) {
            b.userInfo(config.nats().user(), config.nats().password().get().value());
        }
        return b;
    }

    private static WebApp listen(WebApp web, Config config) throws CannotStart {
        try {
            return web.start(config.httpHost(), config.httpPort());
        } catch (WebApp.CannotListen e) {
            throw new CannotStart(e.getMessage());
        }
    }

    private static String serviceUser(Config config) {
        return config.nats().credsFile().map(f -> "nats.creds_file " + f).orElse("nats.user '" + config.nats().user() + "'");
    }

    /**
     * The first connect must succeed, or start-up fails naming who connected where and why:
     * jnats's reconnect-on-connect would retry forever and the service would hang, silent.
     * Once up, a connection reconnects for ever (logged by {@link NatsLog}).
     */
    private static Connection connectAtStart(Options options, String who, Config config)
            throws CannotStart, InterruptedException {
        try {
            return Nats.connect(options);
        } catch (IOException e) {
            throw new CannotStart("cannot connect to NATS at " + config.nats().url() + " (nats.url) as " + who + ": "
                    + e.getMessage());
        }
    }

    private static AuditLog openAudit(Config config) throws CannotStart {
        if (config.auditLog().isEmpty()) {
            return new AuditLog(System.out);
        }
        try {
            return AuditLog.open(config.auditLog().get().toString());
        } catch (IOException e) {
            throw new CannotStart("audit_log: cannot open " + config.auditLog().get() + " for appending (" + e + ")");
        }
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    log.debug("while closing after a failed start: {}", e.toString());
                }
            }
        }
    }

    public SessionStore sessions() {
        return sessions;
    }

    public PolicySource policy() {
        return policy;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public int httpPort() {
        return web.port();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // a replica stopped by hand and again by its owner
        }
        natsLog.closing();
        web.close();
        responder.close();
        kicker.close();
        if (sessions instanceof KvSessionStore kv) {
            kv.close(); // before the connection its watch runs on
        }
        for (Connection c : replyConnections) {
            closeQuietly(c::close);
        }
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        policy.close();
        audit.close();
        idps.close();
    }
}
