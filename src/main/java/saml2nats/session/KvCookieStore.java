package saml2nats.session;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonUtils;
import io.nats.client.support.JsonValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Browser sign-ins in JetStream KV, shared by replicas. Read on page loads only (not on
 * the callout path), so reads go to KV directly. The token is stored sealed under the
 * cookie, which only the browser holds, and taking it is an update at the revision read,
 * so it is shown once across all replicas.
 */
public final class KvCookieStore implements CookieStore {
    private final KeyValue kv;
    private final Clock clock;

    private KvCookieStore(KeyValue kv, Clock clock) {
        this.kv = kv;
        this.clock = clock;
    }

    public static KvCookieStore open(Connection nats, String bucket, int replicas, Duration maxSession, Clock clock)
            throws IOException {
        return new KvCookieStore(KvBuckets.open(nats, bucket, replicas, maxSession.plusMinutes(1)), clock);
    }

    @Override
    public void put(String cookieHash, Entry entry) {
        try {
            kv.put(cookieHash, encode(entry));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("could not store the browser sign-in in JetStream KV: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Entry> get(String cookieHash) {
        return read(cookieHash).map(e -> decode(e.getValue())).filter(e -> clock.instant().isBefore(e.expires()));
    }

    @Override
    public Optional<byte[]> takeSealedToken(String cookieHash) {
        Optional<KeyValueEntry> stored = read(cookieHash);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Entry e = decode(stored.get().getValue());
        if (e.sealedToken().length == 0) {
            return Optional.empty();
        }
        try {
            kv.update(cookieHash, encode(new Entry(e.tokenHash(), e.csrf(), new byte[0], e.expires())),
                    stored.get().getRevision());
            return Optional.of(e.sealedToken());
        } catch (JetStreamApiException lost) {
            return Optional.empty(); // another replica showed it first
        } catch (IOException ex) {
            throw new IllegalStateException("JetStream KV unreachable: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void remove(String cookieHash) {
        try {
            kv.delete(cookieHash);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("could not end the browser sign-in in JetStream KV: " + e.getMessage(), e);
        }
    }

    private Optional<KeyValueEntry> read(String key) {
        try {
            KeyValueEntry e = kv.get(key);
            return e == null || e.getOperation() != KeyValueOperation.PUT ? Optional.empty() : Optional.of(e);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("JetStream KV unreachable: " + e.getMessage(), e);
        }
    }

    private static byte[] encode(Entry e) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "token_hash", e.tokenHash());
        JsonUtils.addField(sb, "csrf", e.csrf());
        JsonUtils.addField(sb, "sealed", Base64.getEncoder().encodeToString(e.sealedToken()));
        JsonUtils.addField(sb, "expires", e.expires().toEpochMilli());
        return JsonUtils.endJson(sb).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Entry decode(byte[] bytes) {
        try {
            JsonValue v = JsonParser.parse(bytes);
            JsonValue sealed = v.map.get("sealed");
            JsonValue expires = v.map.get("expires");
            return new Entry(v.map.get("token_hash").string, v.map.get("csrf").string,
                    sealed == null || sealed.string == null ? new byte[0] : Base64.getDecoder().decode(sealed.string),
                    Instant.ofEpochMilli(expires.l != null ? expires.l : expires.i));
        } catch (RuntimeException | io.nats.client.support.JsonParseException e) {
            throw new IllegalStateException("a browser sign-in in JetStream KV is not readable: " + e.getMessage(), e);
        }
    }
}
