package saml2nats.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Small values under keys, changed only by compare-and-set, so that concurrent steps
 * (on one replica or several) cannot both win: what a one-time code needs. In memory
 * ({@link MemorySlots}) or in a JetStream KV bucket ({@link KvSlots}).
 */
public interface Slots {
    /** A value and the revision it was read at. */
    record Slot(byte[] value, long revision) { }

    Optional<Slot> get(String key);

    /** False when the key already holds a value. {@code forgetAt}: when it may be dropped. */
    boolean create(String key, byte[] value, Instant forgetAt);

    /** False when the key changed since {@code read}. */
    boolean replace(String key, Slot read, byte[] value, Instant forgetAt);

    /** False when the key changed since {@code read} (someone else got there first). */
    boolean remove(String key, Slot read);

    /** Every key that starts with {@code prefix} (which ends with a dot): a scan, for small directories. */
    List<String> keys(String prefix);
}
