package saml2nats.saml;

import saml2nats.session.AccessToken;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;
import saml2nats.store.StateBackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The ledger over {@link Slots}: in this process ({@link #inMemory}, the embedded store) or
 * in JetStream KV shared by replicas ({@link #open}, {@code store: nats-kv}), where a
 * Response is single-use across all of them. Answering a request removes its key at the
 * revision read (only one replica can), and accepting an assertion is a create-only write
 * (a second create of the same ID, anywhere, is a replay). Each entry is forgotten at its
 * own bound, so neither set grows without limit. Keys are SHA-256 of IdP and ID, since
 * SAML IDs may hold characters KV keys may not.
 */
public final class SlotRequestLedger implements RequestLedger {
    private final Slots pending;
    private final Slots seen;
    private final Clock clock;

    private SlotRequestLedger(Slots pending, Slots seen, Clock clock) {
        this.pending = pending;
        this.seen = seen;
        this.clock = clock;
    }

    /** Pending AuthnRequests: kept as long as one may be answered. */
    public static final Bucket REQUESTS = new Bucket("requests", REQUEST_LIFETIME);
    /**
     * Accepted assertion IDs: kept {@link #ASSERTION_MEMORY}; assertions valid for longer are
     * refused by the validator's own time checks first.
     */
    public static final Bucket ASSERTIONS = new Bucket("assertions", ASSERTION_MEMORY);

    /** The ledger in the chosen backend: in JetStream KV a Response is single-use across every replica. */
    public static SlotRequestLedger over(StateBackend backend, Clock clock) throws IOException {
        return new SlotRequestLedger(backend.slots(REQUESTS), backend.slots(ASSERTIONS), clock);
    }

    /** In this process: at most {@code maxEntries} pending requests and as many remembered assertions. */
    public static SlotRequestLedger inMemory(long maxEntries, Clock clock) {
        StateBackend.Embedded memory = new StateBackend.Embedded(maxEntries, clock);
        return new SlotRequestLedger(memory.slots(REQUESTS), memory.slots(ASSERTIONS), clock);
    }

    /** A pending request's slot holds when it may be answered until and the browser that started it. */
    @Override
    public void sent(String idp, String requestId, Instant until, BrowserBinding browser) {
        byte[] value = (until.toEpochMilli() + " " + browser.hash()).getBytes(StandardCharsets.US_ASCII);
        pending.create(key(idp, requestId), value, until); // request IDs are random: never there already
    }

    @Override
    public boolean isPending(String idp, String requestId) {
        return pending.get(key(idp, requestId)).filter(s -> clock.instant().isBefore(until(s))).isPresent();
    }

    @Override
    public boolean startedBy(String idp, String requestId, BrowserBinding browser) {
        return pending.get(key(idp, requestId)).filter(s -> browser.matches(field(s, 1))).isPresent();
    }

    @Override
    public boolean wasSeen(String idp, String assertionId) {
        return seen.get(key(idp, assertionId)).isPresent();
    }

    @Override
    public boolean commit(String idp, String requestId, String assertionId, Instant keepUntil) {
        if (requestId != null && !requestId.isEmpty()) {
            Optional<Slots.Slot> request = pending.get(key(idp, requestId));
            if (request.isEmpty() || !pending.remove(key(idp, requestId), request.get())) {
                return false; // another replica answered this request first
            }
        }
        return seen.create(key(idp, assertionId), millis(keepUntil), keepUntil);
    }

    /** In the assertions' store, in a key space of its own: a logout ID never collides with an assertion ID. */
    @Override
    public boolean firstLogout(String idp, String logoutRequestId, Instant keepUntil) {
        return seen.create(key(idp, "logout\n" + logoutRequestId), millis(keepUntil), keepUntil);
    }

    private static String key(String idp, String id) {
        return AccessToken.hash(idp + "\n" + id);
    }

    private static byte[] millis(Instant t) {
        return Long.toString(t.toEpochMilli()).getBytes(StandardCharsets.US_ASCII);
    }

    private static Instant until(Slots.Slot s) {
        return Instant.ofEpochMilli(Long.parseLong(field(s, 0)));
    }

    private static String field(Slots.Slot s, int i) {
        String[] parts = new String(s.value(), StandardCharsets.US_ASCII).split(" ", -1);
        return i < parts.length ? parts[i] : "";
    }
}
