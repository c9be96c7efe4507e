package saml2nats.store;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link Slots} in a JetStream KV bucket shared by replicas; compare-and-set is KV's
 * expected-revision update and delete. Entries go with the bucket's age limit; callers
 * keep their own expiry inside the value.
 */
final class KvSlots implements Slots {
    private final KeyValue kv;

    KvSlots(KeyValue kv) {
        this.kv = kv;
    }


    @Override
    public Optional<Slot> get(String key) {
        try {
            KeyValueEntry e = kv.get(key);
            return e == null || e.getOperation() != KeyValueOperation.PUT ? Optional.empty()
                    : Optional.of(new Slot(e.getValue(), e.getRevision()));
        } catch (IOException | JetStreamApiException e) {
            throw unreachable(e);
        }
    }

    @Override
    public boolean create(String key, byte[] value, Instant forgetAt) {
        try {
            kv.create(key, value);
            return true;
        } catch (JetStreamApiException exists) {
            return false;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    @Override
    public boolean replace(String key, Slot read, byte[] value, Instant forgetAt) {
        try {
            kv.update(key, value, read.revision());
            return true;
        } catch (JetStreamApiException changed) {
            return false;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    @Override
    public boolean remove(String key, Slot read) {
        try {
            kv.delete(key, read.revision());
            return true;
        } catch (JetStreamApiException changed) {
            return false;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    @Override
    public List<String> keys(String prefix) {
        try {
            return kv.keys(prefix + ">").stream().sorted().toList();
        } catch (IOException | JetStreamApiException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private static IllegalStateException unreachable(Exception e) {
        return new IllegalStateException("JetStream KV unreachable: " + e.getMessage(), e);
    }
}
