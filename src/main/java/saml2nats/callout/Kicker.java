package saml2nats.callout;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.connections.ConnectionName;
import saml2nats.connections.ServerConnection;
import saml2nats.connections.SystemApi;
import saml2nats.store.ExpiringCache;
import saml2nats.session.Ending;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sign-out that bites: when a session ends, its live connections are found and each
 * server is asked, through its system API ({@code $SYS.REQ.SERVER.<id>.KICK}, nats-server
 * >= 2.10, from a system-account user), to drop them. They are found twice over: the
 * connections this process authorized (server id, client id, remembered until the
 * session's end: the fast path), and those every server reports under the session's
 * {@link ConnectionName} (CONNZ), so that neither a restart of the service nor another
 * replica hides one. Without system access it says so once in the log: live connections
 * then stay until their user JWT expires.
 */
public final class Kicker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kicker.class);

    /** A live connection: server ids change at every server start, so a stale entry cannot hit another client. */
    record Live(String serverId, long clientId) {
        static Live of(ServerConnection c) {
            return new Live(c.serverId(), c.clientId());
        }
    }

    /** What one session opened, kept until the session's own end. */
    private record Opened(Instant until, Set<Live> live) { }

    private final List<java.util.function.BiConsumer<Session, Ending>> regranted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Cache<String, Opened> bySession;
    /**
     * Sessions that ended, kept until they would have expired: a connect authorized just
     * before the end but recorded just after must not slip past the kick that already ran.
     */
    private final Cache<String, Instant> ended;
    private final Optional<SystemApi> system;
    private final MeterRegistry metrics;
    private final AuditLog audit;
    private final Clock clock;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kick");
        t.setDaemon(true);
        return t;
    });

    public Kicker(Optional<SystemApi> system, MeterRegistry metrics, Clock clock, long maxSessions, AuditLog audit) {
        this.system = system;
        this.audit = audit;
        this.clock = clock;
        this.metrics = metrics;
        this.bySession = ExpiringCache.create(maxSessions, clock, Opened::until);
        this.ended = ExpiringCache.create(maxSessions, clock, until -> until);
        if (system.isEmpty()) {
            log.warn("no NATS system-account user configured (nats.system_user): sign-out ends the session, "
                    + "but live connections stay until their user JWT expires");
        }
    }

    /**
     * Records an authorized connection before its answer is sent. False when the session
     * has ended meanwhile: the caller refuses the connect instead. The second look closes
     * the gap where {@link #ended} took this session's record just before the add.
     */
    public boolean connected(Session session, String serverId, long clientId) {
        if (ended.getIfPresent(session.id()) != null) {
            return false;
        }
        Live live = new Live(serverId, clientId);
        Opened opened = bySession.asMap().computeIfAbsent(session.id(),
                k -> new Opened(session.expires(), ConcurrentHashMap.newKeySet()));
        opened.live().add(live);
        if (ended.getIfPresent(session.id()) != null) {
            opened.live().remove(live);
            return false;
        }
        return true;
    }

    /**
     * Kicks every connection of the session: first those this process recorded (at once),
     * then those the servers report under the session's {@link ConnectionName}, which this
     * process may never have seen (authorized before a restart, by another replica, on
     * another server). Runs off the caller's thread. A session another replica ended is
     * only refused here from now on: that replica finds and kicks its connections on every
     * server and writes the one audit line, so a cluster of replicas kicks once, not once each.
     */
    public void ended(SessionStore.Ended end) {
        Session session = end.session();
        ended.put(session.id(), session.expires()); // first: from now on connected() refuses this session
        Opened opened = bySession.asMap().remove(session.id());
        if (!end.why().here()) {
            return;
        }
        kickAll(session, opened, end.why());
    }

    /**
     * Kicks the session's live connections but lets it go on: its grant changed (the IdP's
     * provisioning moved the person to other groups), so each client reconnects and is
     * authorized afresh with the new grant, or refused.
     */
    public void reauthorize(Session session, Ending why) {
        regranted.forEach(l -> l.accept(session, why));
        kickAll(session, bySession.asMap().remove(session.id()), why);
    }

    /**
     * Told of every session whose grant changed (a mapping edit, SCIM groups) as its connections are kicked:
     * key-bound creds carry the old grant in their JWT, which a kick does not take back.
     */
    public void onRegrant(java.util.function.BiConsumer<Session, Ending> listener) {
        regranted.add(listener);
    }

    private void kickAll(Session session, Opened opened, Ending why) {
        Set<Live> recorded = opened == null ? Set.of() : opened.live();
        if (system.isEmpty()) {
            if (!recorded.isEmpty()) {
                count("unavailable", recorded.size());
            }
            return;
        }
        long endedAt = System.nanoTime();
        sender.execute(() -> {
            int closed = 0;
            for (Live c : recorded) {
                closed += kick(c) ? 1 : 0;
            }
            for (Live c : onServers(session)) {
                if (!recorded.contains(c)) {
                    closed += kick(c) ? 1 : 0;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - endedAt);
            if (closed > 0) {
                metrics.timer("saml2nats.kick.duration").record(took);
            }
            audit.record(AuditEvent.kicked(clock.instant(), session.id(), person(session), why.cause(), why.by(),
                    closed, took));
        });
    }

    /** The session's connections as every server of the cluster reports them (CONNZ filtered by the exact user name). */
    private Set<Live> onServers(Session session) {
        Set<Live> found = new HashSet<>();
        try {
            system.get().named(ConnectionName.of(session), session.id()).forEach(c -> found.add(Live.of(c)));
        } catch (SystemApi.LookupFailed e) {
            count("lookup_failed", 1);
            log.warn(e.getMessage());
        }
        return found;
    }

    /**
     * Kicks the live connections of every one of these sessions, which go on (the mapping
     * changed their grant): one sweep of every server's connections, page by page, matched
     * by the session in each connection's user name, rather than one lookup per session.
     * One audit line per session whose connections were closed.
     */
    public void reauthorizeAll(java.util.Collection<Session> sessions, Ending why) {
        sessions.forEach(s -> regranted.forEach(l -> l.accept(s, why)));
        Map<String, Session> byId = new HashMap<>();
        Map<String, Set<Live>> recorded = new HashMap<>();
        for (Session s : sessions) {
            byId.put(s.id(), s);
            Opened opened = bySession.asMap().remove(s.id());
            recorded.put(s.id(), opened == null ? Set.of() : opened.live());
        }
        if (byId.isEmpty()) {
            return;
        }
        if (system.isEmpty()) {
            count("unavailable", recorded.values().stream().mapToInt(Set::size).sum());
            return;
        }
        long started = System.nanoTime();
        sender.execute(() -> {
            Map<String, Set<Live>> found = new HashMap<>();
            recorded.forEach((id, live) -> found.put(id, new HashSet<>(live)));
            sweep(byId::containsKey, "a mapping change").forEach((id, named) -> named.forEach(n ->
                    found.computeIfAbsent(id, k -> new HashSet<>()).add(n.live())));
            found.forEach((id, live) -> kickAudited(id, live, person(byId.get(id)), why, started));
        });
    }

    /**
     * At start with the embedded store, which keeps no session across a restart: every
     * connection a session of ours authorized before is orphaned (no sign-out can reach its
     * session now) and is kicked, so none outlives the session it came from.
     *
     * @param orphaned whether a session id is unknown to the store: a session made since the
     *                 start (its connection may already be up) is not touched
     */
    public void kickOrphans(java.util.function.Predicate<String> orphaned, Ending why) {
        if (system.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        sender.execute(() -> sweep(orphaned, "connections left from before the restart").forEach((id, named) ->
                kickAudited(id, named.stream().map(Named::live).toList(), new AuditEvent.Person(
                        ConnectionName.personOf(named.get(0).user()), "", ""),
                        why, started)));
    }

    /** Every server's connections, grouped by the session in their user name where it matches. */
    private Map<String, List<Named>> sweep(java.util.function.Predicate<String> wanted, String about) {
        Map<String, List<Named>> out = new HashMap<>();
        try {
            for (ServerConnection c : system.get().all(about)) {
                c.session().filter(wanted).ifPresent(id -> out.computeIfAbsent(id, k -> new ArrayList<>())
                        .add(new Named(Live.of(c), c.user())));
            }
        } catch (SystemApi.LookupFailed e) {
            count("lookup_failed", 1);
            log.warn(e.getMessage());
        }
        return out;
    }

    private void kickAudited(String session, java.util.Collection<Live> live, AuditEvent.Person who, Ending why, long started) {
        int closed = 0;
        for (Live c : live) {
            closed += kick(c) ? 1 : 0;
        }
        if (closed > 0) {
            audit.record(AuditEvent.kicked(clock.instant(), session, who, why.cause(), why.by(), closed,
                    Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /** A connection and the user name it was authorized as. */
    record Named(Live live, String user) { }

    private static AuditEvent.Person person(Session session) {
        var who = session.identity();
        return new AuditEvent.Person(who.subject(), who.email(), who.idp());
    }

    /** True when the server closed the connection; false when it was gone already or the kick failed. */
    private boolean kick(Live c) {
        SystemApi.Kick done = system.get().kick(c.serverId(), c.clientId());
        count(switch (done) {
            case CLOSED -> "kicked";
            case GONE -> "gone";
            case FAILED -> "failed";
        }, 1);
        return done == SystemApi.Kick.CLOSED;
    }

    private void count(String outcome, int n) {
        metrics.counter("saml2nats.kicks", "outcome", outcome).increment(n);
    }

    @Override
    public void close() {
        sender.shutdown();
        system.ifPresent(SystemApi::close);
    }
}
