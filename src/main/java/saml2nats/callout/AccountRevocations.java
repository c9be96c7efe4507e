package saml2nats.callout;

import io.nats.client.NKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.connections.SystemApi;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Revocation through nats-server itself: a user key goes into the target account JWT's
 * {@code revocations} (key → time; the server refuses every JWT of that key issued at or before it),
 * the JWT is signed again by the operator key and pushed with {@code $SYS.REQ.CLAIMS.UPDATE}. The
 * server closes the key's connections at once and refuses its JWT on every reconnect, on every server
 * of the cluster (the full resolver passes the update on).
 *
 * <p>The account JWT is read from the servers first, so what ops set with nsc (limits, exports,
 * signing keys) stays; only {@code revocations}, {@code iat} and {@code jti} change. An entry older than
 * the longest session can cover no live JWT any more and is pruned, so the JWT stays far below
 * nats-server's 1 MB limit. Pushes to one account are serialized here; two replicas pushing within the
 * same second are re-checked by reading the JWT back (see {@link #revoke}).
 */
public final class AccountRevocations {
    private static final Logger log = LoggerFactory.getLogger(AccountRevocations.class);
    private static final int ATTEMPTS = 3;

    private final SystemApi system;
    private final SigningKey operator;
    private final Collection<String> accounts;
    private final Duration longestJwt;
    private final Clock clock;

    /**
     * @param operatorSeed the operator's or an operator signing key's seed
     * @param accounts     the public keys of the accounts creds are issued in
     * @param longestJwt   no JWT issued lives longer (the longest session): older revocations are pruned
     */
    public AccountRevocations(SystemApi system, char[] operatorSeed, Collection<String> accounts, Duration longestJwt,
                              Clock clock) {
        NKey key;
        try {
            key = NKey.fromSeed(operatorSeed);
            if (key.getType() != NKey.Type.OPERATOR) {
                throw new IllegalArgumentException("operator.operator_seed_file: not an operator seed");
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("operator.operator_seed_file: not an nkey seed", e);
        }
        this.system = system;
        this.operator = SigningKey.of(key);
        this.accounts = List.copyOf(accounts);
        this.longestJwt = longestJwt;
        this.clock = clock;
    }

    /**
     * Revokes every JWT of {@code userKey} issued until now, in every account creds are issued in.
     * True when every account's servers took it. Retried when a concurrent push (another replica)
     * replaced the JWT without this key.
     */
    public boolean revoke(String userKey) {
        boolean all = true;
        for (String account : accounts) {
            all &= revokeIn(account, userKey);
        }
        return all;
    }

    private synchronized boolean revokeIn(String account, String userKey) {
        long at = clock.instant().getEpochSecond();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                String current = system.accountJwt(account);
                system.pushAccountJwt(withRevocation(current, userKey, at));
                if (revokedIn(system.accountJwt(account), userKey, at)) {
                    return true;
                }
                log.info("account {}: the revocation of {} was replaced by a concurrent update; pushing again", account, userKey);
            } catch (SystemApi.LookupFailed | IllegalArgumentException e) {
                log.warn("account {}: could not revoke user key {} ({}); attempt {} of {}", account, userKey,
                        e.getMessage(), attempt, ATTEMPTS);
            }
        }
        return false;
    }

    /** The account JWT with {@code userKey} revoked as of {@code at}, stale entries pruned, signed by the operator key. */
    String withRevocation(String accountJwt, String userKey, long at) {
        JsonObject claims = NatsJwt.claimsOf(accountJwt);
        JsonObject nats = claims.object("nats").orElseThrow(() -> new IllegalArgumentException("an account JWT without nats claims"));
        Map<String, Long> revocations = new TreeMap<>(revocations(nats));
        long oldest = at - longestJwt.toSeconds();
        revocations.values().removeIf(t -> t < oldest);
        revocations.merge(userKey, at, Math::max);
        JsonBuilder r = JsonBuilder.object();
        revocations.forEach(r::number);
        long iat = Math.max(at, claims.number("iat").orElse(0)); // a server ignores an update older than what it holds
        return NatsJwt.sign(operator, claims.edit().number("iat", iat).object("nats", nats.edit().object("revocations", r)));
    }

    static Map<String, Long> revocations(JsonObject nats) {
        Map<String, Long> out = new TreeMap<>();
        nats.object("revocations").ifPresent(r -> r.keys().forEach(k -> r.number(k).ifPresent(t -> out.put(k, t))));
        return out;
    }

    private static boolean revokedIn(String accountJwt, String userKey, long at) {
        return NatsJwt.claimsOf(accountJwt).object("nats").map(AccountRevocations::revocations)
                .map(r -> r.getOrDefault(userKey, 0L) >= at).orElse(false);
    }
}
