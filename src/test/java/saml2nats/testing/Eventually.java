package saml2nats.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting for something another process or thread will do: poll until it holds or the
 * time is up, then let the caller's assertion say what was expected. Never a fixed sleep,
 * so a fast machine does not wait and a slow one does not fail early.
 */
public final class Eventually {
    private static final long POLL_MILLIS = 50;

    /** One look at the world; it may throw (a connection refused, a file not there yet). */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    private Eventually() { }

    /** True as soon as {@code condition} holds; false when it still does not after {@code within}. */
    public static boolean holds(Duration within, Probe<Boolean> condition) throws Exception {
        return value(within, condition, Boolean::booleanValue);
    }

    /** The first value {@code done} accepts, or the last one read when {@code within} ran out. */
    public static <T> T value(Duration within, Probe<T> read, Predicate<T> done) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            T v = read.read();
            if (done.test(v) || System.nanoTime() >= end) {
                return v;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The first value read without an exception; when {@code within} runs out, the last exception. */
    public static <T> T succeeds(Duration within, Probe<T> read) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return read.read();
            } catch (Exception notYet) {
                if (System.nanoTime() >= end) {
                    throw notYet;
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
