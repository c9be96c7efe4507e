package saml2nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the service's NATS connections say about the server, shared by all of them. While
 * nats-server is down every connection retries four times a second and jnats reports each
 * failed attempt; logged one by one that was ~35 lines a second. Here the first loss is
 * logged at once, further failures at most once per {@link #EVERY} with how many there
 * were, and the return once.
 */
final class NatsLog implements ConnectionListener, ErrorListener {
    static final Duration EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger("saml2nats.nats");

    /** One kind of news, said at once the first time and then at most once per {@link #EVERY}. */
    private final class Line {
        private final AtomicReference<Instant> lastSaid = new AtomicReference<>(Instant.EPOCH);
        private final AtomicLong unsaid = new AtomicLong();

        void say(boolean first, String text, String repeated) {
            Instant now = clock.instant();
            Instant last = lastSaid.get();
            if ((first || !now.isBefore(last.plus(EVERY))) && lastSaid.compareAndSet(last, now)) {
                long more = unsaid.getAndSet(0);
                log.warn("{}", first || more == 0 ? text : repeated + " (" + more + " more since the last line)");
            } else {
                unsaid.incrementAndGet();
            }
        }
    }

    private final Clock clock;
    /** Connections (by name) that are down now: the outage is news when the first goes, over when the last is back. */
    private final java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Line outage = new Line();
    private final Line errors = new Line();
    private final Line slow = new Line();
    private volatile boolean closing;

    NatsLog(Clock clock) {
        this.clock = clock;
    }

    /** From now on closed connections are the service stopping, not news. */
    void closing() {
        closing = true;
    }

    @Override
    public void connectionEvent(Connection conn, Events type) {
        if (closing) {
            return;
        }
        String name = conn.getOptions().getConnectionName();
        switch (type) {
            case DISCONNECTED -> {
                boolean first = down.isEmpty();
                down.add(name);
                outage.say(first, "NATS is unreachable (" + name + " disconnected); callout requests are not served "
                        + "and /readyz says not ready until it is back", "NATS still unreachable");
            }
            case RECONNECTED -> {
                if (down.remove(name) && down.isEmpty()) {
                    log.info("NATS connections back: {}", conn.getConnectedUrl());
                }
            }
            case CLOSED -> log.warn("NATS connection {} closed for good", name);
            default -> log.debug("NATS {} ({})", type, name);
        }
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
        if (!closing) {
            errors.say(false, "NATS error on " + conn.getOptions().getConnectionName() + ": " + error, "NATS errors go on");
        }
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        if (closing) {
            return;
        }
        // while a connection is down every reconnect attempt fails here: part of the outage, not news of its own
        if (down.contains(conn.getOptions().getConnectionName())) {
            outage.say(false, "NATS still unreachable: " + exp, "NATS still unreachable: " + exp);
        } else {
            errors.say(false, "NATS " + conn.getOptions().getConnectionName() + ": " + exp, "NATS errors go on: " + exp);
        }
    }

    @Override
    public void slowConsumerDetected(Connection conn, io.nats.client.Consumer consumer) {
        if (!closing) {
            slow.say(false, "NATS slow consumer on " + conn.getOptions().getConnectionName()
                    + ": messages are dropped; callout requests may go unanswered", "NATS slow consumer goes on");
        }
    }
}
