package saml2nats.callout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting requests' order and shedding, with the clock moved by hand. */
class BacklogTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final Backlog<String> backlog = new Backlog<>(3, Duration.ofMillis(800), now::get);

    void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    String take() throws InterruptedException {
        Backlog.Taken<String> t = backlog.poll(0, TimeUnit.MILLISECONDS);
        return t == null ? null : t.item();
    }

    @Test
    void whileTheOldestIsFreshRequestsAreServedInArrivalOrder() throws Exception {
        backlog.offer("a");
        advance(100);
        backlog.offer("b");
        advance(100);
        backlog.offer("c");
        advance(100); // the oldest has waited 300 ms, under half of max_wait

        assertEquals("a", take());
        assertEquals("b", take());
        assertEquals("c", take());
        assertNull(take(), "empty: nothing to take");
    }

    @Test
    void onceTheOldestHasWaitedHalfOfMaxWaitTheNewestGoesFirst() throws Exception {
        backlog.offer("old");
        advance(300);
        backlog.offer("middle");
        advance(200);
        backlog.offer("new");
        advance(10); // "old" has waited 510 ms > 400

        Backlog.Taken<String> first = backlog.poll(0, TimeUnit.MILLISECONDS);
        assertEquals("new", first.item(), "its client is still waiting; the old one's is giving up");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(10), first.waitedNanos());
        assertEquals("middle", take(), "still congested: newest again");
        assertEquals("old", take());
    }

    @Test
    void requestsOlderThanMaxWaitAreHandedBackToBeRefusedOldestFirst() throws Exception {
        backlog.offer("a");
        advance(500);
        backlog.offer("b");
        advance(400); // a: 900 ms, b: 400 ms
        backlog.offer("c");

        assertEquals(List.of("a"), backlog.expired());
        assertEquals(2, backlog.size());
        advance(500); // b: 900 ms, c: 500 ms
        assertEquals(List.of("b"), backlog.expired());
        assertEquals(List.of(), backlog.expired(), "c has not waited long enough");
    }

    @Test
    void whatStillWaitsAtShutdownIsHandedBackToBeRefused() throws Exception {
        backlog.offer("a");
        backlog.offer("b");
        assertEquals(List.of("a", "b"), backlog.drain());
        assertEquals(0, backlog.size());
        assertNull(take());
    }

    @Test
    void aFullBacklogRefusesMore() {
        assertTrue(backlog.offer("a"));
        assertTrue(backlog.offer("b"));
        assertTrue(backlog.offer("c"));
        assertFalse(backlog.offer("d"), "capacity 3");
    }

    @Test
    void aWorkerWaitsForTheNextRequest() throws Exception {
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            backlog.offer("late");
        });
        producer.start();
        Backlog.Taken<String> t = backlog.poll(5, TimeUnit.SECONDS);
        producer.join();
        assertEquals("late", t.item());
    }
}
