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
import saml2nats.callout.AccountRevocations;
import saml2nats.callout.Authorizer;
import saml2nats.callout.KeyBoundCreds;
import saml2nats.callout.CalloutKeys;
import saml2nats.callout.CalloutResponder;
import saml2nats.callout.ExpiryJitter;
import saml2nats.callout.GrantReview;
import saml2nats.callout.Kicker;
import saml2nats.connections.Ledger;
import saml2nats.connections.Refusals;
import saml2nats.connections.SystemApi;
import saml2nats.callout.ServerTrust;
import saml2nats.config.Config;
import saml2nats.policy.Decision;
import saml2nats.policy.PolicyException;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.PolicySource;
import saml2nats.scim.Provisioning;
import saml2nats.policy.Tenancy;
import saml2nats.session.AccessToken;
import saml2nats.session.Ending;
import saml2nats.session.SessionStore;
import saml2nats.web.WebApp;
import saml2nats.handoff.CliHandoff;
import saml2nats.saml.SamlService;
import saml2nats.saml.SlotRequestLedger;
import saml2nats.store.StateBackend;
import java.util.Optional;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
    private SamlService saml;
    private Kicker kicker;
    /** The connection ledger; none without a system user (the servers' events are the system account's). */
    private Optional<Ledger> ledger = Optional.empty();
    /** Key-bound creds (operator mode with an operator key): JWTs for keys the person's machine holds. */
    private KeyBoundCreds creds;
    /** Pushes account JWTs with revoked user keys; one thread, so a slow server never holds up a sign-out. */
    private final java.util.concurrent.ExecutorService revoker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "creds-revocation");
        t.setDaemon(true);
        return t;
    });
    /** Each person's most recent refused connects, with the reason in words, for their page and whoami. */
    private Refusals refusals;
    /** Live connections the ledger keeps in view (about 0.5 KiB each, docs/BENCHMARKS.md); beyond, they are only audited. */
    static final int LEDGER_MAX_LIVE = 200_000;
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
                (ok, findings) -> (ok ? accepted : rejected).increment(), clock).watch(config.policyPoll());

        AuditLog audit = null;
        Connection nats = null;
        CalloutResponder responder = null;
        SessionStore sessions = null;
        List<Connection> replyConnections = new java.util.ArrayList<>();
        try {
            audit = openAudit(config);
            nats = connectAtStart(natsOptionsBuilder(config, "saml2nats").build(), serviceUser(config), config);
            StateBackend state = stateBackend(config, clock, nats);
            sessions = SessionStore.open(state, config.sessions().length(), clock, new AccessToken(new SecureRandom()));
            this.sessions = sessions;
            Gauge.builder("saml2nats.sessions.live", sessions, SessionStore::liveCount)
                    .description("sessions that have not ended").register(metrics);
            Optional<Connection> system = systemConnection(config, natsLog);
            Optional<SystemApi> systemApi = system.map(SystemApi::new);
            refusals = new Refusals(state.slots(Refusals.BUCKET), clock);
            kicker = new Kicker(systemApi, metrics, clock, config.sessions().max(), audit); // closes the system connection
            // a connection is recorded for kicks before its answer goes out (Kicker keeps ended sessions' tombstones)
            Authorizer authorizer = new Authorizer(keys, serverTrust(config, system), sessions, policy::current, clock,
                    kicker::connected,
                    // ThreadLocalRandom draws from the calling worker's own seed: no lock between workers
                    new ExpiryJitter(config.sessions().jwtJitterPercent(), ThreadLocalRandom.current()));
            sessions.onEnd(kicker::ended);
            this.creds = new KeyBoundCreds(keys, config.operator().flatMap(Config.Operator::operatorSeed).isPresent()
                    && systemApi.isPresent(), sessions, policy::current, state.slots(KeyBoundCreds.CHALLENGES),
                    new ExpiryJitter(config.sessions().jwtJitterPercent(), new java.util.Random()), audit, clock);
            revokeKeyBound(config, systemApi, sessions, audit, clock);
            if (systemApi.isPresent()) {
                Ledger connections = new Ledger(systemApi.get(), sessions, who -> policy.current().decide(who)
                        instanceof Decision.Allow allow ? allow.grant().roles() : List.of(), audit, metrics, LEDGER_MAX_LIVE);
                this.ledger = Optional.of(connections);
                connections.start();
            }
            policy.onChange(new GrantReview(sessions, kicker, state.slots(GrantReview.BUCKET), clock));
            if (state instanceof StateBackend.Embedded) {
                // no session outlived the restart, so no connection made from one may either
                SessionStore store = sessions;
                kicker.kickOrphans(id -> store.live().stream().noneMatch(s -> s.id().equals(id)),
                        new Ending(Ending.Cause.RESTART, "start with store: embedded"));
            }
            for (int i = 0; i < config.callout().workers(); i++) {
                // max_pings_out: the answer window sends a PING whenever answers are unconfirmed, and one that timed
                // out stays counted until its PONG comes; jnats's default 2 would drop the connection mid-storm
                replyConnections.add(connectAtStart(natsOptionsBuilder(config, "saml2nats-reply-" + (i + 1))
                        .maxPingsOut(64).build(), serviceUser(config), config));
            }
            responder = new CalloutResponder(nats, replyConnections, authorizer, audit, metrics,
                    new CalloutResponder.Settings(config.callout().queueGroup(), config.callout().workers(),
                            config.callout().maxPending(), config.callout().maxWait()), clock).remembering(refusals).start();
            Connection connection = nats;
            this.web = listen(new WebApp(webParts(config, clock, audit, () -> connection.getStatus() == Connection.Status.CONNECTED,
                    state, () -> maxPayload(connection))), config);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a half-started service must not leave a NATS connection or a poller behind
            replyConnections.forEach(c -> closeQuietly(c::close));
            closeQuietly(responder, ledger.orElse(null), kicker, sessions instanceof AutoCloseable c ? c : null, nats, policy, audit, saml);
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

    /** The web front's parts: the SAML side (IdPs, the dev IdP, this SP, the validator), its ledger and the CLI hand-off. */
    private WebApp.Parts webParts(Config config, Clock clock, AuditLog audit, java.util.function.BooleanSupplier connected,
                                  StateBackend state, java.util.function.Supplier<java.util.OptionalLong> maxPayload)
            throws IOException {
        this.saml = SamlService.start(config, clock, (idp, ok, problem) -> Counter.builder("saml2nats.idp.metadata.refreshes")
                .description("IdP metadata refreshes by outcome; a failure keeps the last good copy")
                .tag("idp", idp).tag("outcome", ok ? "ok" : "failed").register(metrics).increment());
        idpGauges(config, clock);
        CliHandoff handoff = new CliHandoff(clock, new SecureRandom(), config.sessions().max(), state.slots(CliHandoff.BUCKET));
        // a grant changed by provisioning kicks the session's connections; they reconnect under the new one
        Provisioning provisioning = Provisioning.open(config.scim(), state, sessions, policy::current, kicker::reauthorize,
                audit, clock, config.publicUrl().toString());
        return new WebApp.Parts(config, sessions, policy, metrics, connected, saml.idps(), saml.serviceProvider(),
                saml.validator(), SlotRequestLedger.over(state, clock), saml.devIdp(), audit, clock, saml.openSaml(),
                state.slots(WebApp.browserBucket(config.sessions().length())), sentinelCreds(config), handoff, maxPayload,
                provisioning, ledger, refusals, saml.health(), creds);
    }

    /**
     * Per IdP: seconds until its soonest signing certificate expires, and when it last signed someone in,
     * last failed to, and (with a metadata URL) last refreshed. Timestamps are 0 until it happens.
     */
    private void idpGauges(Config config, Clock clock) {
        saml2nats.saml.IdpHealth health = saml.health();
        for (saml2nats.saml.IdentityProvider idp : saml.idps().all()) {
            String id = idp.id();
            Gauge.builder("saml2nats.idp.certificate.expiry.seconds", () -> health.of(idp, false).firstExpiry()
                            .map(t -> java.time.Duration.between(clock.instant(), t).toSeconds()).orElse(0L))
                    .description("seconds until the IdP's soonest signing certificate expires (negative: expired)")
                    .tag("idp", id).register(metrics);
            Gauge.builder("saml2nats.idp.signin.last.success.timestamp.seconds", () -> epoch(health.lastSignIn(id)))
                    .description("when a sign-in through this IdP last made a session").tag("idp", id).register(metrics);
            Gauge.builder("saml2nats.idp.signin.last.failure.timestamp.seconds", () -> epoch(health.lastFailure(id)
                    .map(saml2nats.saml.IdpHealth.Failure::at))).description("when a sign-in through this IdP was last refused")
                    .tag("idp", id).register(metrics);
            if (config.idps().stream().anyMatch(c -> c.id().equals(id) && c.metadataUrl().isPresent())) {
                Gauge.builder("saml2nats.idp.metadata.last.success.timestamp.seconds", () -> epoch(health.lastGoodRefresh(id)))
                        .description("when the IdP's metadata URL was last fetched and taken").tag("idp", id).register(metrics);
            }
        }
    }

    private static long epoch(Optional<java.time.Instant> at) {
        return at.map(java.time.Instant::getEpochSecond).orElse(0L);
    }

    /**
     * Operator mode with an operator key: a key-bound session's end (here, not another replica's echo)
     * revokes its user key in the account JWTs, which the servers enforce on every connection of that key.
     */
    private void revokeKeyBound(Config config, Optional<SystemApi> systemApi, SessionStore sessions, AuditLog audit,
                                Clock clock) {
        Optional<saml2nats.config.Secret> seed = config.operator().flatMap(Config.Operator::operatorSeed);
        if (seed.isEmpty() || systemApi.isEmpty()) {
            return;
        }
        AccountRevocations revocations = new AccountRevocations(systemApi.get(), seed.get().value().toCharArray(),
                config.operator().get().accounts().values().stream().map(Config.OperatorAccount::publicKey).toList(),
                // no session, so no JWT of it, lives longer than sessions.length
                config.sessions().length().plusMinutes(1), clock);
        sessions.onEnd(e -> {
            if (!e.session().isKeyBound() || e.why().cause() == Ending.Cause.ELSEWHERE) {
                return;
            }
            revokeLater(revocations, e.session(), e.why(), audit, clock);
        });
        // a changed grant: JWTs issued until now carry the old one; a refresh a second later gets the new one
        kicker.onRegrant((session, why) -> {
            if (session.isKeyBound()) {
                revokeLater(revocations, session, why, audit, clock);
            }
        });
    }

    /** Revokes the session's user key on the revocation thread, and audits what the servers took. */
    private void revokeLater(AccountRevocations revocations, saml2nats.session.Session session, Ending why, AuditLog audit,
                             Clock clock) {
        revoker.execute(() -> {
            long started = System.nanoTime();
            boolean ok = revocations.revoke(session.userKey());
            long ms = (System.nanoTime() - started) / 1_000_000;
            metrics.timer("saml2nats.creds.revocation.duration").record(java.time.Duration.ofMillis(ms));
            var who = session.identity();
            audit.record(saml2nats.audit.AuditEvent.credsRevoked(clock.instant(), session.id(),
                    new saml2nats.audit.AuditEvent.Person(who.subject(), who.email(), who.idp()), why.cause(),
                    ok ? "user key " + session.userKey() + " revoked in the account JWTs in " + ms + " ms"
                            : "user key " + session.userKey() + " NOT revoked: the servers did not take the account "
                            + "JWT (see the log); its JWTs still end with the session"));
        });
    }

    /** The largest message the connected server takes (its INFO's max_payload), the size limit people meet. */
    private static java.util.OptionalLong maxPayload(Connection connection) {
        io.nats.client.api.ServerInfo info = connection.getServerInfo();
        return info == null || info.getMaxPayload() <= 0 ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(info.getMaxPayload());
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
     * The one place the state backend is chosen. {@code store: embedded} (default): this
     * process's memory. {@code store: nats-kv}: JetStream KV shared by every replica, so
     * sessions survive restarts and a sign-out anywhere is seen everywhere. Each consumer
     * takes its own bucket from it.
     */
    private static StateBackend stateBackend(Config config, Clock clock, Connection nats) throws InterruptedException {
        if (config.store().kind() == Config.Store.Kind.NATS_KV) {
            return StateBackend.jetStream(nats, config.store().bucketPrefix(), config.store().replicas(),
                    config.sessions().max());
        }
        return StateBackend.embedded(config.sessions().max(), clock);
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

    /** Who is connected now, as the servers report it; empty without a system user. */
    public Optional<Ledger> connections() {
        return ledger;
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
        closeQuietly(refusals);
        revoker.shutdown();
        try {
            revoker.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS); // a revocation in flight is pushed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ledger.ifPresent(Ledger::close); // before the kicker, which closes the system connection it runs on
        kicker.close();
        if (sessions instanceof AutoCloseable watched) {
            closeQuietly(watched); // the KV store's watch: before the connection it runs on
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
        saml.close();
    }
}
