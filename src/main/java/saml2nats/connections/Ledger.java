package saml2nats.connections;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The connection ledger: who is connected now, and a line for each connection's start and
 * end. The servers say it themselves, in their account connect and disconnect events
 * (nats-server {@code server/events.go}), which carry the client's address, server, start
 * and stop, messages and bytes and the close reason; the user name this service wrote into
 * the user JWT ({@link ConnectionName}) ties each to a session, and so to a person.
 *
 * <p>Every replica keeps the live view (its own subscription, so any replica can show it);
 * the audit line is written by one replica per event (a queue group). At start the view is
 * rebuilt from every server's CONNZ, so a restart of the service does not blank it. The view
 * holds at most {@code maxLive} connections; beyond that it counts what it could not keep.
 */
public final class Ledger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ledger.class);
    static final String CONNECT_EVENTS = "$SYS.ACCOUNT.*.CONNECT";
    static final String DISCONNECT_EVENTS = "$SYS.ACCOUNT.*.DISCONNECT";
    /** Replicas share the audit lines: each event is written once. */
    static final String QUEUE = "saml2nats-ledger";

    /** One live connection of ours and whose it is: the session, the person, the roles its grant gave. */
    public record Live(ServerConnection connection, String session, AuditEvent.Person person, List<String> roles) { }

    private final SystemApi api;
    private final SessionStore sessions;
    private final Function<Identity, List<String>> rolesOf;
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final int maxLive;
    private final Map<ServerConnection.Key, Live> live = new ConcurrentHashMap<>();
    /** Just closed: the audit line of a close may be written after this replica's view dropped it. */
    private final Cache<ServerConnection.Key, Live> closed = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();
    /** Sessions by id, read again from the store when an id is not in it (a session made since). */
    private volatile Map<String, Session> byId = Map.of();
    private final AtomicBoolean full = new AtomicBoolean();
    /** Server ids and names and account names repeat across every connection: one copy each (a few dozen at most). */
    private final Map<String, String> shared = new ConcurrentHashMap<>();
    private Dispatcher dispatcher;

    /**
     * @param rolesOf the roles the mapping grants a person now (a grant that changed was kicked and
     *                reconnected, so at a connect this is the grant the connection holds)
     */
    public Ledger(SystemApi api, SessionStore sessions, Function<Identity, List<String>> rolesOf, AuditLog audit,
                  MeterRegistry metrics, int maxLive) {
        this.api = api;
        this.sessions = sessions;
        this.rolesOf = rolesOf;
        this.audit = audit;
        this.metrics = metrics;
        this.maxLive = maxLive;
        metrics.gauge("saml2nats.ledger.live.connections", live, Map::size);
    }

    /** Follows the servers' events, then reads what is connected already. */
    public void start() throws java.io.IOException, InterruptedException {
        Connection c = api.connection();
        dispatcher = c.createDispatcher();
        // one dispatcher: a connection's connect and disconnect are handled in the order the server sent them
        dispatcher.subscribe(CONNECT_EVENTS, m -> event(m, false));
        dispatcher.subscribe(DISCONNECT_EVENTS, m -> event(m, false));
        dispatcher.subscribe(CONNECT_EVENTS, QUEUE, m -> event(m, true));
        dispatcher.subscribe(DISCONNECT_EVENTS, QUEUE, m -> event(m, true));
        try {
            c.flush(Duration.ofSeconds(2));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException("the NATS server did not confirm the connection ledger's event subscriptions "
                    + "within 2 s: check that the system user (nats.system_user) may subscribe to $SYS.ACCOUNT.>", e);
        }
        rebuild();
    }

    /** The view from every server's CONNZ: what connected while the service was down is known again. */
    void rebuild() {
        try {
            int found = 0;
            for (ServerConnection c : api.all("the connection ledger")) {
                if (c.session().isPresent()) {
                    keep(describe(c));
                    found++;
                }
            }
            log.info("connection ledger: {} live connection(s) of ours on the servers", found);
        } catch (SystemApi.LookupFailed e) {
            log.warn("connection ledger: {}; the live view starts empty and fills from the servers' events", e.getMessage());
        }
    }

    private void event(Message m, boolean writesAudit) {
        Optional<ConnectionEvent> parsed = ConnectionEvent.parse(m.getData());
        if (parsed.isEmpty() || parsed.get().connection().session().isEmpty()) {
            return; // not a connection of ours (the service's own, another product's), or not an event we read
        }
        ConnectionEvent e = parsed.get();
        if (writesAudit) {
            write(e);
        } else {
            apply(e);
        }
    }

    /** The live view takes the event. */
    void apply(ConnectionEvent e) {
        ServerConnection.Key key = e.connection().key();
        if (e.closed()) {
            Live gone = live.remove(key);
            if (gone != null) {
                closed.put(key, gone);
            }
        } else {
            keep(describe(e.connection()));
        }
    }

    private String share(String s) {
        return shared.size() < 10_000 ? shared.computeIfAbsent(s, k -> k) : s;
    }

    /** The audit line for the event: for a close, whose it was comes from the view (the session may be gone). */
    void write(ConnectionEvent e) {
        ServerConnection c = e.connection();
        // the view's entry when it has one (for an open too: deciding the roles again is the mapping's work twice)
        Live who = (e.closed() ? Optional.ofNullable(live.get(c.key())).or(() -> Optional.ofNullable(closed.getIfPresent(c.key())))
                : Optional.ofNullable(live.get(c.key()))).orElseGet(() -> describe(c));
        AuditEvent.Client client = new AuditEvent.Client(c.host(), c.name(), "", "", c.serverId(), c.clientId(), "Client");
        if (e.closed()) {
            audit.record(AuditEvent.connectionClosed(e.until(), e.reasonCode(), e.reason(), who.session(), who.person(),
                    who.roles(), c.account(), client, new AuditEvent.Traffic(c.serverName(), c.since(), e.until(),
                            e.publishedMsgs(), e.publishedBytes(), e.deliveredMsgs(), e.deliveredBytes())));
        } else {
            audit.record(AuditEvent.connectionOpened(c.since(), who.session(), who.person(), who.roles(), c.account(),
                    client, AuditEvent.Traffic.opened(c.serverName(), c.since())));
        }
    }

    private void keep(Live described) {
        ServerConnection c = described.connection();
        Live l = new Live(new ServerConnection(share(c.serverId()), share(c.serverName()), c.clientId(), c.user(), c.host(),
                c.name(), share(c.account()), c.since()), described.session(), described.person(), described.roles());
        if (live.size() >= maxLive && !live.containsKey(l.connection().key())) {
            metrics.counter("saml2nats.ledger.dropped").increment();
            if (full.compareAndSet(false, true)) {
                log.warn("connection ledger: {} live connections held, the most it keeps; more are audited but not "
                        + "shown as live", maxLive);
            }
            return;
        }
        live.put(l.connection().key(), l);
    }

    private Live describe(ServerConnection c) {
        String id = c.session().orElse("");
        Optional<Session> session = session(id);
        if (session.isEmpty()) {
            return new Live(c, id, new AuditEvent.Person(ConnectionName.personOf(c.user()), "", ""), List.of());
        }
        Identity who = session.get().identity();
        return new Live(c, id, new AuditEvent.Person(who.subject(), who.email(), who.idp()), rolesOf.apply(who));
    }

    private Optional<Session> session(String id) {
        Session s = byId.get(id);
        if (s == null) {
            Map<String, Session> fresh = new HashMap<>();
            sessions.live().forEach(x -> fresh.put(x.id(), x));
            byId = fresh;
            s = fresh.get(id);
        }
        return Optional.ofNullable(s);
    }

    /** The live connections of these sessions, oldest first. */
    public List<Live> of(Collection<String> sessionIds) {
        Set<String> wanted = new HashSet<>(sessionIds);
        List<Live> out = new ArrayList<>();
        for (Live l : live.values()) {
            if (wanted.contains(l.session())) {
                out.add(l);
            }
        }
        out.sort(Comparator.comparing((Live l) -> l.connection().since()));
        return out;
    }

    /** Every live connection of ours, oldest first. */
    public List<Live> all() {
        List<Live> out = new ArrayList<>(live.values());
        out.sort(Comparator.comparing((Live l) -> l.connection().since()));
        return out;
    }

    /**
     * Every live connection's traffic so far, asked of the servers now (one CONNZ sweep: the events
     * carry counts only at the close); empty, with the reason logged, when they do not answer.
     */
    public Map<ServerConnection.Key, SystemApi.Counts> traffic() {
        try {
            return api.counts("the admin page");
        } catch (SystemApi.LookupFailed e) {
            log.warn("{}", e.getMessage());
            return Map.of();
        }
    }

    @Override
    public void close() {
        if (dispatcher != null) {
            try {
                api.connection().closeDispatcher(dispatcher);
            } catch (RuntimeException closedAlready) {
                // the system connection went first: nothing to unsubscribe
            }
        }
    }
}
