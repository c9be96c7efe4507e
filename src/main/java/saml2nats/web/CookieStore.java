package saml2nats.web;

import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Browser sign-ins by the SHA-256 of their cookie: which session the cookie opens, the
 * CSRF secret of its forms, and the access token sealed under the cookie until the page
 * has shown it once. Kept in {@link Slots}: this process's memory, or a KV bucket shared
 * by replicas (the sign-in may land on one replica and the page on another). Taking the
 * token is a compare-and-set, so it is shown once wherever the page loads.
 */
final class CookieStore {

    /** @param sealedToken the token encrypted under a key only the cookie gives; empty once shown */
    record Entry(String tokenHash, String csrf, byte[] sealedToken, Instant expires) { }

    private final Slots slots;
    private final Clock clock;

    CookieStore(Slots slots, Clock clock) {
        this.slots = slots;
        this.clock = clock;
    }

    /** A new sign-in: cookies are fresh random secrets, so their key is never there already. */
    void put(String cookieHash, Entry entry) {
        slots.create(cookieHash, encode(entry), entry.expires());
    }

    Optional<Entry> get(String cookieHash) {
        return slots.get(cookieHash).map(s -> decode(s.value())).filter(e -> clock.instant().isBefore(e.expires()));
    }

    /** The sealed token, once: the caller that clears it gets it; everyone after gets empty. */
    Optional<byte[]> takeSealedToken(String cookieHash) {
        Optional<Slots.Slot> stored = slots.get(cookieHash);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Entry e = decode(stored.get().value());
        if (e.sealedToken().length == 0 || !slots.replace(cookieHash, stored.get(),
                encode(new Entry(e.tokenHash(), e.csrf(), new byte[0], e.expires())), e.expires())) {
            return Optional.empty(); // shown already, or another replica showed it first
        }
        return Optional.of(e.sealedToken());
    }

    void remove(String cookieHash) {
        Optional<Slots.Slot> stored = slots.get(cookieHash);
        while (stored.isPresent() && !slots.remove(cookieHash, stored.get())) {
            stored = slots.get(cookieHash); // changed meanwhile (its token was taken): remove what is there now
        }
    }

    private static byte[] encode(Entry e) {
        // an empty sealed token (shown already) is left out, as before, so replicas read each other's entries
        return JsonBuilder.object().textIfAny("token_hash", e.tokenHash()).textIfAny("csrf", e.csrf())
                .textIfAny("sealed", Base64.getEncoder().encodeToString(e.sealedToken()))
                .number("expires", e.expires().toEpochMilli()).toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static Entry decode(byte[] bytes) {
        try {
            JsonObject v = JsonObject.parse(bytes);
            return new Entry(v.text("token_hash").orElseThrow(), v.text("csrf").orElseThrow(),
                    v.text("sealed").map(Base64.getDecoder()::decode).orElse(new byte[0]),
                    Instant.ofEpochMilli(v.number("expires").orElseThrow()));
        } catch (RuntimeException | JsonException e) {
            throw new IllegalStateException("a browser sign-in in the store is not readable: " + e.getMessage(), e);
        }
    }
}
