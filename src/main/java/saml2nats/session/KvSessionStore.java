package saml2nats.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import org.slf4j.Logger;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.store.ExpiringCache;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sessions in a JetStream KV bucket, shared by every replica ({@code store: nats-kv}).
 * Keyed by token hash (never the token). Reads on the callout path come from a local
 * copy that a watch on the bucket keeps fresh, so no KV round trip sits on the hot path;
 * a sign-out anywhere deletes the key, every replica's watch drops its copy within
 * milliseconds and tells its listeners (the ending replica with the reason, which then
 * finds and kicks the session's connections on every server; the others only refuse it).
 * The bucket's max age is the longest session; each session still ends at its own time.
 */
final class KvSessionStore implements SessionStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvSessionStore.class);

    private final KeyValue kv;
    private final Cache<String, Session> local;
    private final Clock clock;
    private final AccessToken tokens;
    private final List<Consumer<Ended>> endListeners = new CopyOnWriteArrayList<>();
    private final NatsKeyValueWatchSubscription watch;
    /** Why this replica is ending a session, from just before its delete until the listeners hear it. */
    private final Map<String, Ended> endingHere = new ConcurrentHashMap<>();
    /**
     * Keys this replica ended before its watch had brought them: the watch still brings their
     * PUT (then the delete), which must not make the ended session look live for a moment.
     */
    private final Cache<String, Boolean> endedUnseen = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(100_000).build();

    private final PastSessions past;

    private KvSessionStore(KeyValue kv, Cache<String, Session> local, Clock clock, AccessToken tokens,
                           Duration loadLimit, PastSessions past) throws IOException, InterruptedException {
        this.past = past;
        endListeners.add(e -> past.ended(e.session(), e.why(), clock.instant()));
        this.kv = kv;
        this.local = local;
        this.clock = clock;
        this.tokens = tokens;
        CountDownLatch loaded = new CountDownLatch(1);
        try {
            this.watch = kv.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    try {
                        seen(entry);
                    } catch (RuntimeException e) {
                        // a throw here would stop the watch for good: log and go on
                        log.warn("session watch could not apply an update: {}", e.toString());
                    }
                }

                @Override
                public void endOfData() {
                    loaded.countDown();
                }
            });
        } catch (JetStreamApiException e) {
            throw new IOException("cannot watch the session bucket: " + e.getMessage(), e);
        }
        if (!loaded.await(loadLimit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("the session bucket did not load within " + loadLimit);
        }
    }

    /**
     * Opens (creating when missing) the bucket and loads every live session before returning,
     * so a restarted replica answers for sessions made before it started.
     */
    static KvSessionStore open(KeyValue kv, long maxSessions, Clock clock, AccessToken tokens, PastSessions past)
            throws IOException, InterruptedException {
        return new KvSessionStore(kv, ExpiringCache.create(maxSessions, clock, Session::expires), clock, tokens,
                Duration.ofSeconds(30), past);
    }

    /** With what became of past sessions kept in this process only. */
    static KvSessionStore open(KeyValue kv, long maxSessions, Clock clock, AccessToken tokens)
            throws IOException, InterruptedException {
        return open(kv, maxSessions, clock, tokens, PastSessions.inMemory(maxSessions, clock));
    }

    @Override
    public Optional<PastSession> past(String tokenHash) {
        return past.of(tokenHash);
    }

    @Override
    public Created create(Identity identity, Duration length, Session.Origin origin) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a session must last longer than zero, was " + length);
        }
        // milliseconds, as stored: every replica holds the very same Session
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Session session = new Session(UUID.randomUUID().toString(), identity, now, now.plus(length), origin);
        String token = tokens.mint();
        String key = AccessToken.hash(token);
        try {
            kv.create(key, encode(session));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("could not store the session in JetStream KV: " + e.getMessage(), e);
        }
        local.put(key, session);
        past.opened(key, session);
        return new Created(token, session);
    }

    @Override
    public Optional<Session> findByTokenHash(String tokenHash) {
        Session session = local.getIfPresent(tokenHash);
        return session != null && session.isLiveAt(clock.instant()) ? Optional.of(session) : Optional.empty();
    }

    @Override
    public boolean end(String tokenHash, Ending why) {
        Session known = local.getIfPresent(tokenHash);
        try {
            // a session made on another replica a moment ago may not have reached this one's watch yet:
            // ask KV itself, or the sign-out would end nothing and the token would stay good everywhere
            if (known == null) {
                endedUnseen.put(tokenHash, true);
                KeyValueEntry entry = kv.get(tokenHash);
                if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
                    return false;
                }
                known = readable(entry.getValue()); // unreadable (null): not ours to judge, deleted as asked
                if (known != null && !known.isLiveAt(clock.instant())) {
                    return false;
                }
            }
            if (known != null) {
                endingHere.put(tokenHash, new Ended(known, why));
            }
            kv.delete(tokenHash);
        } catch (IOException | JetStreamApiException e) {
            endingHere.remove(tokenHash);
            throw new IllegalStateException("could not end the session in JetStream KV: " + e.getMessage(), e);
        }
        forget(tokenHash);
        return true;
    }

    @Override
    public int endWhere(Predicate<Session> which, Ending why) {
        List<String> keys = new ArrayList<>();
        local.asMap().forEach((k, s) -> {
            if (which.test(s)) {
                keys.add(k);
            }
        });
        int ended = 0;
        for (String k : keys) {
            ended += end(k, why) ? 1 : 0;
        }
        return ended;
    }

    /** Writes each changed session back under its key; every replica's watch takes the new copy. */
    @Override
    public List<Regrouped> regroup(Predicate<Identity> whose, List<String> groups) {
        List<Regrouped> changed = new ArrayList<>();
        local.asMap().forEach((key, s) -> {
            if (whose.test(s.identity()) && !s.identity().groups().equals(groups)) {
                Session now = new Session(s.id(), s.identity().withGroups(groups), s.created(), s.expires(), s.origin(), s.userKey());
                try {
                    // compare-and-set on what KV holds: a put would bring back a session ended meanwhile
                    KeyValueEntry stored = kv.get(key);
                    if (stored == null || stored.getOperation() != KeyValueOperation.PUT) {
                        return;
                    }
                    kv.update(key, encode(now), stored.getRevision());
                } catch (JetStreamApiException changedMeanwhile) {
                    log.info("session {} changed while its groups were updated; left as it is", s.id());
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException("could not update a session in JetStream KV: " + e.getMessage(), e);
                }
                local.asMap().replace(key, s, now);
                changed.add(new Regrouped(s, now));
            }
        });
        return changed;
    }

    /** Compare-and-set on what KV holds, as {@link #regroup} does; every replica's watch takes the bound copy. */
    @Override
    public Binding bind(String tokenHash, String userKey) {
        Session s = local.getIfPresent(tokenHash);
        if (s == null || !s.isLiveAt(clock.instant())) {
            return Binding.NO_SESSION;
        }
        if (s.isKeyBound()) {
            return s.userKey().equals(userKey) ? Binding.BOUND : Binding.OTHER_KEY;
        }
        try {
            KeyValueEntry stored = kv.get(tokenHash);
            if (stored == null || stored.getOperation() != KeyValueOperation.PUT) {
                return Binding.NO_SESSION;
            }
            Session there = decode(stored.getValue());
            if (there.isKeyBound()) { // bound by another replica meanwhile
                local.put(tokenHash, there);
                return there.userKey().equals(userKey) ? Binding.BOUND : Binding.OTHER_KEY;
            }
            Session bound = there.boundTo(userKey);
            kv.update(tokenHash, encode(bound), stored.getRevision());
            local.put(tokenHash, bound);
            return Binding.BOUND;
        } catch (JetStreamApiException changedMeanwhile) {
            return bind(tokenHash, userKey); // someone else wrote first: decide on what is there now
        } catch (IOException e) {
            throw new IllegalStateException("could not bind a session in JetStream KV: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Session> live() {
        Instant now = clock.instant();
        return local.asMap().values().stream().filter(s -> s.isLiveAt(now)).toList();
    }

    @Override
    public long liveCount() {
        local.cleanUp();
        return local.estimatedSize();
    }

    @Override
    public void onEnd(Consumer<Ended> listener) {
        endListeners.add(listener);
    }

    private static Session readable(byte[] value) {
        try {
            return decode(value);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Tells the listeners once per replica that a session ended. The replica that ends it
     * notes the session and why before its delete, so whichever of end() and the watch comes
     * first tells that; the other replicas' watches tell {@link Ending#ELSEWHERE}. Synchronized:
     * ends are rare, and one told twice would kick and audit twice.
     */
    private synchronized void forget(String key) {
        Session gone = local.asMap().remove(key);
        Ended mine = endingHere.remove(key);
        Ended told = mine != null ? mine : gone != null ? new Ended(gone, Ending.ELSEWHERE) : null;
        if (told != null) {
            endListeners.forEach(l -> l.accept(told));
        }
    }

    private void seen(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT) {
            forget(entry.getKey());
            return;
        }
        try {
            Session s = decode(entry.getValue());
            if (s.isLiveAt(clock.instant()) && endedUnseen.getIfPresent(entry.getKey()) == null) {
                local.put(entry.getKey(), s);
            }
        } catch (RuntimeException e) {
            String key = entry.getKey();
            log.warn("session entry {}... in the KV bucket is not readable ({}); ignored",
                    key.substring(0, Math.min(8, key.length())), e.getMessage());
        }
    }

    static byte[] encode(Session s) {
        JsonBuilder json = IdentityJson.write(JsonBuilder.object().textIfAny("id", s.id()), s.identity());
        json.number("created", s.created().toEpochMilli()).number("expires", s.expires().toEpochMilli());
        if (s.origin().kind() != Session.Origin.Kind.UNKNOWN) {
            json.text("kind", s.origin().kind().name()).textIfAny("address", s.origin().address())
                    .textIfAny("agent", s.origin().userAgent());
        }
        json.textIfAny("user_key", s.userKey());
        return json.toJson().getBytes(StandardCharsets.UTF_8);
    }

    static Session decode(byte[] bytes) {
        JsonObject v;
        try {
            v = JsonObject.parse(bytes);
        } catch (JsonException e) {
            throw new IllegalArgumentException(e.problem() == JsonException.Problem.NOT_AN_OBJECT ? "not a JSON object" : "not JSON", e);
        }
        String id = IdentityJson.text(v, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("missing id");
        }
        Session.Origin.Kind kind = v.text("kind").flatMap(k -> java.util.Arrays.stream(Session.Origin.Kind.values())
                .filter(x -> x.name().equals(k)).findFirst()).orElse(Session.Origin.Kind.UNKNOWN);
        return new Session(id, IdentityJson.read(v), Instant.ofEpochMilli(number(v, "created")),
                Instant.ofEpochMilli(number(v, "expires")),
                new Session.Origin(kind, IdentityJson.text(v, "address"), IdentityJson.text(v, "agent")),
                IdentityJson.text(v, "user_key"));
    }

    private static long number(JsonObject v, String key) {
        return v.number(key).orElseThrow(() -> new IllegalArgumentException("missing " + key));
    }

    @Override
    public void close() {
        try {
            watch.unsubscribe();
        } catch (RuntimeException e) {
            log.debug("session watch already closed: {}", e.toString());
        }
    }
}
