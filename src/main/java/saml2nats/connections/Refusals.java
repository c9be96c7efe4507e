package saml2nats.connections;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.session.Identity;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A person's most recent refused connects, with the reason in words, because nats-server tells
 * a refused client only "Authorization Violation" (nats-server issues #6254, #7501). Kept in the
 * state backend per person (shared by replicas with {@code store: nats-kv}) for a day, the last
 * {@value #KEPT}; shown only to that person. Written off the callout's threads, and the same
 * person and reason at most once per {@link #QUIET} per replica, so a client retrying in a loop
 * (or a storm of refusals) costs the callout nothing.
 */
public final class Refusals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Refusals.class);
    public static final Bucket BUCKET = new Bucket("refusals", Duration.ofDays(1));
    static final int KEPT = 5;
    static final Duration QUIET = Duration.ofSeconds(5);

    /** One refused connect: when, its code ({@code NO_MATCHING_ROLE}, ...) and the sentence the person reads. */
    public record Refusal(Instant at, String code, String words) { }

    private final Slots slots;
    private final Clock clock;
    private final Cache<String, Boolean> recent = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(QUIET).build();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "refusals");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy()); // past 10,000 waiting, a refusal goes to the audit only

    public Refusals(Slots slots, Clock clock) {
        this.slots = slots;
        this.clock = clock;
    }

    /** Remembers a refused connect of this person's, soon (off the caller's thread). */
    public void refused(Identity who, String code, String words) {
        String key = key(who);
        if (recent.asMap().putIfAbsent(key + "\n" + code, Boolean.TRUE) != null) {
            return;
        }
        Refusal r = new Refusal(clock.instant(), code, words);
        writer.execute(() -> keep(key, r));
    }

    /** Now, on this thread: what {@link #refused} does later. */
    void keep(String key, Refusal r) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Slots.Slot> read = slots.get(key);
            List<Refusal> list = new ArrayList<>();
            list.add(r);
            read.ifPresent(s -> decode(s.value()).stream().limit(KEPT - 1).forEach(list::add));
            byte[] value = encode(list);
            Instant forget = r.at().plus(BUCKET.maxAge());
            boolean done = read.isPresent() ? slots.replace(key, read.get(), value, forget) : slots.create(key, value, forget);
            if (done) {
                return;
            }
        }
        log.debug("a refusal was not kept: the person's list changed five times meanwhile");
    }

    /** The person's most recent refused connects, newest first. */
    public List<Refusal> of(Identity who) {
        return slots.get(key(who)).map(s -> decode(s.value())).orElse(List.of());
    }

    /** The person as a key: a hash, so no NameID or e-mail is a key in the bucket. */
    static String key(Identity who) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((who.idp() + "\n" + who.subject())
                    .getBytes(StandardCharsets.UTF_8));
            return "p." + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static byte[] encode(List<Refusal> list) {
        return JsonBuilder.object().objects("refusals", list.stream().map(r -> JsonBuilder.object()
                .number("at", r.at().toEpochMilli()).text("code", r.code()).text("words", r.words())).toList())
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    static List<Refusal> decode(byte[] value) {
        try {
            return JsonObject.parse(value).objects("refusals").stream().map(o -> new Refusal(
                    Instant.ofEpochMilli(o.number("at").orElse(0)), o.text("code").orElse(""), o.text("words").orElse("")))
                    .toList();
        } catch (JsonException e) {
            return List.of(); // an unreadable list is started afresh
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
