package saml2nats.callout;

import io.nats.client.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The answers sent on one connection that nats-server has not processed yet, at most
 * {@code size}. nats-server checks answers one after another per connection (open the
 * seal, verify two signatures, register the user), and under a storm its goroutine for
 * them is scheduled behind thousands of connecting clients. Answers sent faster than it
 * checks them queue inside it, each later than the one before, until every answer reaches
 * it after its client gave up: measured, 19,000 user JWTs signed for 5,000 connections.
 * With the window full, a worker takes no new request, so requests wait in the service's
 * backlog instead, where the ones that can no longer be answered in time are refused
 * cheaply.
 *
 * <p>What the server has processed is learned the only way the protocol tells: a PING
 * sent after the answers comes back as PONG once the server has read everything before
 * it. A prober thread sends one whenever answers are unconfirmed, so workers never wait
 * on a round trip themselves. The window is not fixed: a burst the server keeps up with
 * (round trips well under the target) needs many answers in flight, a storm it does not
 * (round trips over it) needs few; so it halves and doubles with the round trip.
 */
final class AnswerWindow implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnswerWindow.class);

    private final Connection path;
    private final int most;
    private final long targetNanos;
    private final Duration patience;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomMade = lock.newCondition();
    private int limit;
    private int inFlight;
    private final AtomicInteger unconfirmed = new AtomicInteger();
    private final Thread prober;
    private volatile boolean closed;

    /**
     * @param most     answers allowed inside the server at once on this connection, at best
     * @param target   how long an answer may wait inside the server: while round trips take
     *                 longer, the window halves; while they take under half of it, it doubles
     * @param patience how long to wait for a PONG before counting the answers as processed anyway
     *                 (a server that never answers must not stop the workers for good)
     */
    AnswerWindow(Connection path, int most, Duration target, Duration patience, String name) {
        this.path = path;
        this.most = most;
        this.limit = most;
        this.targetNanos = target.toNanos();
        this.patience = patience;
        this.prober = new Thread(this::probe, name);
        this.prober.setDaemon(true);
        this.prober.start();
    }

    /** Waits until there is room for one more answer; InterruptedException once closed. */
    void acquire() throws InterruptedException {
        lock.lock();
        try {
            while (inFlight >= limit) {
                if (closed) {
                    throw new InterruptedException("answer window closed");
                }
                roomMade.await();
            }
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    /** The room taken was not used (no request came, or it was refused elsewhere). */
    void release() {
        confirmed(1, -1);
    }

    /** Answers sent and not yet confirmed, with room taken for ones about to be. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The current window, for the metrics. */
    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    /** An answer went out on this connection; its room comes back once the server has processed it. */
    void sent() {
        unconfirmed.incrementAndGet();
        LockSupport.unpark(prober);
    }

    Connection path() {
        return path;
    }

    private void probe() {
        while (!closed) {
            int covered = unconfirmed.getAndSet(0);
            if (covered == 0) {
                LockSupport.parkNanos(this, 5_000_000L);
                continue;
            }
            long start = System.nanoTime();
            long rtt;
            try {
                path.flush(patience); // the PING goes after every answer counted in `covered`
                // a flush on a connection that is down returns at once without a PONG: no round trip was measured
                rtt = path.getStatus() == Connection.Status.CONNECTED ? System.nanoTime() - start : -1;
            } catch (TimeoutException e) {
                log.debug("no PONG within {} after {} answers; counting them as processed", patience, covered);
                rtt = System.nanoTime() - start; // over the target: the window halves
            } catch (InterruptedException e) {
                confirmed(covered, -1);
                return;
            } catch (RuntimeException e) { // the prober must outlive a bad moment, or workers would wait for room forever
                log.debug("PING after {} answers failed ({}); counting them as processed", covered, e.toString());
                rtt = -1;
            }
            confirmed(covered, rtt);
        }
    }

    /** {@code count} answers left the server; a round trip of {@code rttNanos} (negative: none measured) sizes the window. */
    private void confirmed(int count, long rttNanos) {
        lock.lock();
        try {
            inFlight -= count;
            if (rttNanos > targetNanos) {
                limit = Math.max(1, limit / 2);
            } else if (rttNanos >= 0 && rttNanos < targetNanos / 2) {
                limit = Math.min(most, limit * 2);
            }
            roomMade.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        prober.interrupt();
        lock.lock();
        try {
            roomMade.signalAll(); // a worker waiting for room stops waiting
        } finally {
            lock.unlock();
        }
    }
}
