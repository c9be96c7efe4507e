package saml2nats.store;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

import java.io.IOException;
import java.time.Duration;

/**
 * Opens the service's JetStream KV buckets, creating them when missing. A cluster that
 * is still electing its JetStream leader answers "temporarily unavailable": that is
 * retried for a while rather than failing the start of every replica at once.
 */
final class KvBuckets {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private KvBuckets() { }

    static KeyValue open(Connection nats, String name, int replicas, Duration ttl) throws IOException {
        long end = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                var management = nats.keyValueManagement();
                if (!management.getBucketNames().contains(name)) {
                    management.create(KeyValueConfiguration.builder().name(name).replicas(replicas).ttl(ttl)
                            .storageType(StorageType.File).build());
                }
                return nats.keyValue(name);
            } catch (JetStreamApiException | IOException e) {
                if (System.nanoTime() > end) {
                    throw new IOException("cannot open the JetStream KV bucket '" + name + "' (" + e.getMessage()
                            + "): is JetStream enabled for the service's account, with " + replicas
                            + " server(s) for its replicas (kv.replicas)?", e);
                }
                // also when another replica created it between our check and our create: the next try finds it
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening KV bucket " + name, ie);
            }
        }
    }
}
