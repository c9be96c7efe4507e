package saml2nats.store;

import io.nats.client.Connection;
import io.nats.client.KeyValue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Where the service keeps what must outlive one request: chosen once from {@code store:},
 * and every consumer takes its {@link Bucket} from it. {@link Embedded}: this process's
 * memory (one replica). {@link JetStreamKv}: JetStream KV shared by every replica, so state
 * survives restarts and a change on one replica is seen on all.
 */
public sealed interface StateBackend permits StateBackend.Embedded, StateBackend.JetStreamKv {

    /** The compare-and-set slots of one bucket. */
    Slots slots(Bucket bucket) throws IOException;

    /** How many entries a bucket keeps in memory at most (the session limit). */
    long maxEntries();

    static StateBackend embedded(long maxEntries, Clock clock) {
        return new Embedded(maxEntries, clock);
    }

    /**
     * Waits for the first connection, since the buckets must be open before the first
     * request is answered, then opens buckets on demand.
     */
    static StateBackend jetStream(Connection nats, String prefix, int replicas, long maxEntries)
            throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (nats.getStatus() != Connection.Status.CONNECTED && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        return new JetStreamKv(nats, prefix, replicas, maxEntries);
    }

    /** In this process: bounded, each entry dropped at its own time on the given clock. */
    record Embedded(long maxEntries, Clock clock) implements StateBackend {
        @Override
        public Slots slots(Bucket bucket) {
            return new MemorySlots(maxEntries, clock);
        }
    }

    /** JetStream KV: bucket {@code <prefix>-<name>}, created when missing, {@code replicas} copies. */
    record JetStreamKv(Connection nats, String prefix, int replicas, long maxEntries) implements StateBackend {
        @Override
        public Slots slots(Bucket bucket) throws IOException {
            return new KvSlots(open(bucket));
        }

        /** The bucket itself, for a store that also watches it (the sessions). */
        public KeyValue open(Bucket bucket) throws IOException {
            return KvBuckets.open(nats, prefix + "-" + bucket.name(), replicas, bucket.maxAge());
        }
    }
}
