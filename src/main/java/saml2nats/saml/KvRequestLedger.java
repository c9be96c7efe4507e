package saml2nats.saml;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import saml2nats.session.AccessToken;
import saml2nats.session.KvBuckets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The ledger in JetStream KV, shared by replicas ({@code store: nats-kv}): a Response
 * is single-use across all of them. Answering a request deletes its key at the revision
 * read (only one replica can), and accepting an assertion is a create-only write (a
 * second create of the same ID, on any replica, is a replay). Keys are SHA-256 of IdP
 * and ID, since SAML IDs may hold characters KV keys may not.
 */
public final class KvRequestLedger implements RequestLedger {
    private final KeyValue pending;
    private final KeyValue seen;
    private final Clock clock;

    private KvRequestLedger(KeyValue pending, KeyValue seen, Clock clock) {
        this.pending = pending;
        this.seen = seen;
        this.clock = clock;
    }

    /**
     * @param requestLife  how long an AuthnRequest may be answered
     * @param assertionLife how long accepted assertion IDs are kept; assertions valid for
     *                      longer are refused by the validator's own time checks first
     */
    public static KvRequestLedger open(Connection nats, String prefix, int replicas, Duration requestLife,
                                       Duration assertionLife, Clock clock) throws IOException {
        return new KvRequestLedger(KvBuckets.open(nats, prefix + "-requests", replicas, requestLife),
                KvBuckets.open(nats, prefix + "-assertions", replicas, assertionLife), clock);
    }

    @Override
    public void sent(String idp, String requestId, Instant until) {
        write(() -> pending.put(key(idp, requestId), Long.toString(until.toEpochMilli()).getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public boolean isPending(String idp, String requestId) {
        KeyValueEntry e = read(pending, key(idp, requestId));
        return e != null && clock.instant().isBefore(Instant.ofEpochMilli(
                Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII))));
    }

    @Override
    public boolean wasSeen(String idp, String assertionId) {
        return read(seen, key(idp, assertionId)) != null;
    }

    @Override
    public boolean commit(String idp, String requestId, String assertionId, Instant keepUntil) {
        try {
            if (requestId != null && !requestId.isEmpty()) {
                KeyValueEntry e = read(pending, key(idp, requestId));
                if (e == null) {
                    return false;
                }
                pending.delete(key(idp, requestId), e.getRevision()); // only one replica wins this
            }
            seen.create(key(idp, assertionId), Long.toString(keepUntil.toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (JetStreamApiException e) {
            return false; // wrong last sequence: another replica answered the request or accepted the assertion
        } catch (IOException e) {
            throw new IllegalStateException("JetStream KV unreachable while recording a sign-in: " + e.getMessage(), e);
        }
    }

    private static String key(String idp, String id) {
        return AccessToken.hash(idp + "\n" + id);
    }

    private static KeyValueEntry read(KeyValue kv, String key) {
        try {
            KeyValueEntry e = kv.get(key);
            return e == null || e.getOperation() != KeyValueOperation.PUT ? null : e;
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("JetStream KV unreachable while checking a sign-in: " + e.getMessage(), e);
        }
    }

    private interface Write {
        void run() throws IOException, JetStreamApiException;
    }

    private static void write(Write w) {
        try {
            w.run();
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("JetStream KV unreachable while starting a sign-in: " + e.getMessage(), e);
        }
    }
}
