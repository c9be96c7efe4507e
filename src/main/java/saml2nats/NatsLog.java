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

    private final Clock clock;
    private final AtomicReference<Instant> lastSaid = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong unsaid = new AtomicLong();
    private volatile boolean down;
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
        switch (type) {
            case DISCONNECTED -> trouble(conn.getOptions().getConnectionName() + " disconnected");
            case RECONNECTED -> {
                if (down) {
                    down = false;
                    log.info("NATS connection back: {}", conn.getConnectedUrl());
                }
            }
            case CLOSED -> log.warn("NATS connection {} closed for good", conn.getOptions().getConnectionName());
            default -> log.debug("NATS {} ({})", type, conn.getOptions().getConnectionName());
        }
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
        if (!closing) {
            trouble(conn.getOptions().getConnectionName() + ": " + error);
        }
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        if (!closing) {
            trouble(conn.getOptions().getConnectionName() + ": " + exp);
        }
    }

    private void trouble(String detail) {
        Instant now = clock.instant();
        Instant last = lastSaid.get();
        boolean first = !down;
        down = true;
        if ((first || !now.isBefore(last.plus(EVERY))) && lastSaid.compareAndSet(last, now)) {
            long more = unsaid.getAndSet(0);
            if (first) {
                log.warn("NATS is unreachable ({}); callout requests are not served and /readyz says not ready until "
                        + "it is back", detail);
            } else {
                log.warn("NATS still unreachable: {} ({} more failures since the last line)", detail, more);
            }
        } else {
            unsaid.incrementAndGet();
        }
    }
}
