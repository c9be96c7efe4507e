package saml2nats.callout;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.store.ExpiringCache;
import saml2nats.session.Session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sign-out that bites: remembers which connections (server id, client id) each
 * session opened, and when a session is ended asks each server, through its system
 * API ({@code $SYS.REQ.SERVER.<id>.KICK}, nats-server >= 2.10, from a system-account
 * user), to drop them. Without system access it says so once in the log: live
 * connections then stay until their user JWT expires.
 */
public final class Kicker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kicker.class);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(2);

    /** A live connection: server ids change at every server start, so a stale entry cannot hit another client. */
    record Live(String serverId, long clientId) { }

    /** What one session opened, kept until the session's own end. */
    private record Opened(Instant until, Set<Live> live) { }

    private final Cache<String, Opened> bySession;
    /**
     * Sessions that ended, kept until they would have expired: a connect authorized just
     * before the end but recorded just after must not slip past the kick that already ran.
     */
    private final Cache<String, Instant> ended;
    private final Optional<Connection> system;
    private final MeterRegistry metrics;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kick");
        t.setDaemon(true);
        return t;
    });

    public Kicker(Optional<Connection> system, MeterRegistry metrics, Clock clock, long maxSessions) {
        this.system = system;
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

    /** Kicks every connection the session opened; runs off the caller's thread. */
    public void ended(Session session) {
        ended.put(session.id(), session.expires()); // first: from now on connected() refuses this session
        Opened opened = bySession.asMap().remove(session.id());
        if (opened == null || opened.live().isEmpty()) {
            return;
        }
        Set<Live> live = opened.live();
        if (system.isEmpty()) {
            count("unavailable", live.size());
            return;
        }
        sender.execute(() -> live.forEach(this::kick));
    }

    private void kick(Live c) {
        try {
            Message reply = system.get().request(String.format(Protocol.KICK_SUBJECT, c.serverId()),
                    ("{\"cid\":" + c.clientId() + "}").getBytes(StandardCharsets.UTF_8), REPLY_WAIT);
            count(refused(reply) ? "gone" : "kicked", 1);
        } catch (Exception e) {
            count("failed", 1);
            log.warn("could not kick client {} on server {}: {}", c.clientId(), c.serverId(), e.toString());
        }
    }

    /**
     * Whether the server's API answer carries its {@code error} object: an already closed
     * connection answers "no such client", so there was nothing left to kick.
     */
    private static boolean refused(Message reply) {
        if (reply == null) {
            return false;
        }
        try {
            return JsonObject.parse(reply.getData()).has("error");
        } catch (JsonException e) {
            return false;
        }
    }

    private void count(String outcome, int n) {
        metrics.counter("saml2nats.kicks", "outcome", outcome).increment(n);
    }

    @Override
    public void close() {
        sender.shutdown();
        system.ifPresent(c -> {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
