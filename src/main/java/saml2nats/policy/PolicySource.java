package saml2nats.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policy in force, re-read when the mapping file's bytes change. A bad edit is
 * logged with its lines and counted, and the last good policy stays in force, so a
 * typo made by ops never locks everybody out.
 *
 * <p>It polls the content rather than watching the directory: editors that write a
 * new file and rename it, and Kubernetes ConfigMaps that swap a symlink, both show
 * up as changed bytes, and a one-second read of a small file costs nothing.
 */
public final class PolicySource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

    /** Told of every reload attempt after the first load. */
    public interface Listener {
        void reloaded(boolean accepted, List<Finding> findings);
    }

    /**
     * Told of each accepted edit with the policy before and after it, and a fingerprint of the
     * change (the same on every replica that reads the same edit), after the new one took effect.
     */
    public interface Changed {
        void changed(Policy before, Policy after, String fingerprint);
    }

    public void onChange(Changed listener) {
        changeListeners.add(listener);
    }

    /**
     * What the admin page shows of the mapping: the policy in force (since when, how many roles) and
     * the last edit that was refused, with its findings (file:line and what to do), if any.
     */
    public record Status(Path file, Instant loaded, int roles, Optional<Rejected> lastRejected) { }

    /** An edit that was refused; the policy in force stayed. {@code reason} when no finding says it (an I/O or a bug). */
    public record Rejected(Instant at, List<Finding> findings, String reason) { }

    private final Path file;
    private final Clock clock;
    private volatile Instant loaded;
    private volatile Optional<Rejected> lastRejected = Optional.empty();
    private final PolicyLoader loader;
    private final Listener listener;
    private final AtomicReference<Policy> current = new AtomicReference<>();
    private final List<Changed> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile byte[] lastSeen;
    private ScheduledExecutorService poller;

    private PolicySource(Path file, PolicyLoader loader, Listener listener, Policy first, byte[] bytes, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.loaded = clock.instant();
        this.loader = loader;
        this.listener = listener;
        this.current.set(first);
        this.lastSeen = bytes;
    }

    /** Loads the file once; a service must not start without a usable policy. */
    public static PolicySource open(Path file, PolicyLoader loader, Listener listener) throws PolicyException {
        return open(file, loader, listener, Clock.systemUTC());
    }

    /** As {@link #open(Path, PolicyLoader, Listener)}; {@code clock} dates the loads and refusals {@link #status} shows. */
    public static PolicySource open(Path file, PolicyLoader loader, Listener listener, Clock clock) throws PolicyException {
        // the bytes first, so an edit between the two reads is seen by the poller; unreadable here is the
        // loader's finding (there is no previous policy to keep), not the poller's warning
        byte[] bytes = readOrNull(file);
        Policy first = loader.load(file);
        log.info("policy loaded from {}: {} roles", file, first.roles().size());
        return new PolicySource(file, loader, listener, first, bytes, clock);
    }

    public Policy current() {
        return current.get();
    }

    public Status status() {
        return new Status(file, loaded, current.get().roles().size(), lastRejected);
    }

    /** Starts re-reading the file every {@code every}. */
    public PolicySource watch(Duration every) {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "policy-reload");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::checkNow, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Re-reads the file if its bytes changed; true when a new policy took effect. */
    public boolean checkNow() {
        byte[] bytes = read(file);
        if (bytes == null || Arrays.equals(bytes, lastSeen)) {
            return false;
        }
        byte[] before = lastSeen;
        lastSeen = bytes;
        try {
            Policy next = loader.parse(file.toString(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            Policy previous = current.getAndSet(next);
            loaded = clock.instant();
            log.info("policy reloaded from {}: {} roles", file, next.roles().size());
            listener.reloaded(true, List.of());
            String fingerprint = fingerprint(before, bytes);
            changeListeners.forEach(l -> l.changed(previous, next, fingerprint));
            return true;
        } catch (PolicyException e) {
            log.warn("policy edit rejected, the previous policy stays in force:\n{}", e.getMessage());
            lastRejected = Optional.of(new Rejected(clock.instant(), e.findings(), e.getMessage()));
            listener.reloaded(false, e.findings());
            return false;
        } catch (RuntimeException e) {
            log.warn("policy edit rejected, the previous policy stays in force: {}", e.toString());
            lastRejected = Optional.of(new Rejected(clock.instant(), List.of(), e.toString()));
            listener.reloaded(false, List.of());
            return false;
        }
    }

    private static String fingerprint(byte[] before, byte[] after) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(before == null ? new byte[0] : before);
            d.update((byte) 0);
            d.update(after);
            return java.util.HexFormat.of().formatHex(d.digest()).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] readOrNull(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            log.warn("cannot read policy file {} ({}); the previous policy stays in force", file, e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
