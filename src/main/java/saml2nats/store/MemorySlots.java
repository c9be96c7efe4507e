package saml2nats.store;

import com.github.benmanes.caffeine.cache.Cache;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** {@link Slots} in this process: bounded, each entry dropped at its own time. */
final class MemorySlots implements Slots {
    private record Entry(byte[] value, long revision, Instant forgetAt) { }

    private final Cache<String, Entry> entries;
    private final AtomicLong revisions = new AtomicLong();

    MemorySlots(long max, Clock clock) {
        this.entries = ExpiringCache.create(max, clock, Entry::forgetAt);
    }

    @Override
    public Optional<Slot> get(String key) {
        Entry e = entries.getIfPresent(key);
        return e == null ? Optional.empty() : Optional.of(new Slot(e.value(), e.revision()));
    }

    @Override
    public boolean create(String key, byte[] value, Instant forgetAt) {
        return entries.asMap().putIfAbsent(key, new Entry(value, revisions.incrementAndGet(), forgetAt)) == null;
    }

    @Override
    public boolean replace(String key, Slot read, byte[] value, Instant forgetAt) {
        boolean[] done = new boolean[1];
        entries.asMap().computeIfPresent(key, (k, e) -> {
            if (e.revision() != read.revision()) {
                return e;
            }
            done[0] = true;
            return new Entry(value, revisions.incrementAndGet(), forgetAt);
        });
        return done[0];
    }

    @Override
    public boolean remove(String key, Slot read) {
        boolean[] done = new boolean[1];
        entries.asMap().computeIfPresent(key, (k, e) -> {
            if (e.revision() != read.revision()) {
                return e;
            }
            done[0] = true;
            return null;
        });
        return done[0];
    }

    @Override
    public List<String> keys(String prefix) {
        return entries.asMap().keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }
}
