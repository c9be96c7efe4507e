package saml2nats.callout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Requests waiting for a worker: bounded, oldest first while the oldest is still fresh,
 * newest first once it is not (adaptive LIFO), and requests too old to be worth answering
 * handed back to be refused.
 *
 * <p>Why both orders: a burst that fits within the clients' patience (a thousand connects
 * in a second on two cores) is best served in arrival order, so nobody waits much longer
 * than anybody else and everyone is answered in time. Under a storm that does not fit, in
 * arrival order every request waits about as long as the queue is deep, and once that is
 * longer than the clients' connect timeout every answer comes too late and every client
 * retries: collapse. Serving the newest first then answers the clients still waiting, and
 * the old requests are refused at once, so their clients hear "no" instead of waiting out
 * a timeout. Pure: time comes from the {@code clock} given.
 */
final class Backlog<T> {
    /** A request taken for work, with how long it waited. */
    record Taken<T>(T item, long waitedNanos) { }

    private record Entry<T>(T item, long since) { }

    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>(); // first = oldest
    private final int capacity;
    private final long congestedNanos;
    private final long maxWaitNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    /**
     * @param capacity at most this many wait; more are refused by {@link #offer}
     * @param maxWait  a request older than this is not served; {@link #expired} hands it back. Once the
     *                 oldest has waited half of it, the newest is served first
     * @param clock    nanoseconds, as {@link System#nanoTime()}
     */
    Backlog(int capacity, java.time.Duration maxWait, LongSupplier clock) {
        this.capacity = capacity;
        this.maxWaitNanos = maxWait.toNanos();
        this.congestedNanos = maxWaitNanos / 2;
        this.clock = clock;
    }

    /** False when full: the caller refuses it. */
    boolean offer(T item) {
        lock.lock();
        try {
            if (entries.size() >= capacity) {
                return false;
            }
            entries.addLast(new Entry<>(item, clock.getAsLong()));
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the requests that have waited longer than max_wait, oldest first. */
    List<T> expired() {
        lock.lock();
        try {
            long now = clock.getAsLong();
            if (entries.isEmpty() || now - entries.peekFirst().since() <= maxWaitNanos) {
                return List.of(); // the usual case, on every request: nothing allocated
            }
            List<T> old = new ArrayList<>();
            while (!entries.isEmpty() && now - entries.peekFirst().since() > maxWaitNanos) {
                old.add(entries.pollFirst().item());
            }
            return old;
        } finally {
            lock.unlock();
        }
    }

    /** The next request to work on, waiting up to {@code timeout}; null if none came. */
    Taken<T> poll(long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (entries.isEmpty()) {
                if (remaining <= 0) {
                    return null;
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
            long now = clock.getAsLong();
            boolean congested = now - entries.peekFirst().since() > congestedNanos;
            Entry<T> e = congested ? entries.pollLast() : entries.pollFirst();
            return new Taken<>(e.item(), now - e.since());
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns everything still waiting (at shutdown, to be refused). */
    List<T> drain() {
        lock.lock();
        try {
            List<T> all = new ArrayList<>();
            while (!entries.isEmpty()) {
                all.add(entries.pollFirst().item());
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
