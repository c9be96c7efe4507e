package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.JsonValue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.ExpiringCache;

/**
 * Turns the bytes nats-server sent into a verified {@link AuthRequest}:
 * unseal (when an xkey is configured), verify the JWT, then check that it is an
 * authorization request, from a server we trust that it names, for us, with an expiry
 * that has not passed, and seen for the first time.
 */
final class RequestDecoder {
    private final Optional<XKey> xkey;
    /** Requests seen, by their user key, until they expire: a few seconds each, so even a storm stays small. */
    static final long MAX_REMEMBERED = 262_144;

    private final ServerTrust trust;
    private final Clock clock;
    private final ServerKeys servers = new ServerKeys();
    private final Cache<String, Instant> answered;

    RequestDecoder(Optional<XKey> xkey, ServerTrust trust, Clock clock) {
        this.xkey = xkey;
        this.trust = trust;
        this.clock = clock;
        this.answered = ExpiringCache.create(MAX_REMEMBERED, clock, until -> until);
    }

    /** The request JWT's text: opened when sealed. */
    String unseal(byte[] data, String serverXkey) throws CalloutException {
        if (xkey.isEmpty()) {
            if (XKey.isSealed(data)) {
                throw new CalloutException(CalloutError.SEAL_MISMATCH,
                        "request is sealed but this service has no xkey: set callout.xkey_seed_file to the seed matching auth_callout.xkey");
            }
            return new String(data, StandardCharsets.UTF_8);
        }
        if (serverXkey == null || !XKey.isSealed(data)) {
            throw new CalloutException(CalloutError.SEAL_MISMATCH,
                    "request is not sealed but this service expects xkey: set auth_callout.xkey in nats-server.conf");
        }
        try {
            return new String(xkey.get().open(data, serverXkey), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CalloutException(CalloutError.SEAL_MISMATCH,
                    "sealed request does not open: auth_callout.xkey must be this service's public xkey " + xkey.get().publicKey());
        }
    }

    AuthRequest decode(String jwt) throws CalloutException {
        JsonValue claims = NatsJwt.verify(jwt, servers);
        JsonValue nats = NatsJwt.object(claims, "nats");
        if (!Protocol.REQUEST_AUDIENCE.equals(NatsJwt.text(claims, "aud")) || nats == null
                || !Protocol.REQUEST_TYPE.equals(NatsJwt.text(nats, "type"))) {
            throw new CalloutException(CalloutError.WRONG_TYPE, "JWT is not an authorization_request");
        }
        String issuer = NatsJwt.text(claims, "iss");
        JsonValue server = NatsJwt.object(nats, "server_id");
        String serverId = NatsJwt.text(server, "id");
        if (!issuer.equals(serverId)) {
            throw new CalloutException(CalloutError.UNTRUSTED_SERVER, "request issuer differs from server_id.id");
        }
        // nats-server always sets exp (now + its auth timeout); one without could be answered forever
        long exp = NatsJwt.number(claims, "exp", 0);
        if (exp <= 0) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "request has no exp: nats-server always sets one");
        }
        Instant expires = Instant.ofEpochSecond(exp);
        // exp has one-second resolution: allow the second it names
        if (clock.instant().isAfter(expires.plusSeconds(1))) {
            throw new CalloutException(CalloutError.EXPIRED_REQUEST, "request expired at " + expires);
        }
        // after the cheap checks: a server key seen for the first time costs a round trip
        if (!trust.trusts(serverId)) {
            throw new CalloutException(CalloutError.UNTRUSTED_SERVER, trust.refusal(serverId));
        }
        String userNkey = NatsJwt.text(nats, "user_nkey");
        if (!NatsJwt.isPublicKey(userNkey, NKey.Type.USER)) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "request has no valid user_nkey");
        }
        // the server makes a fresh user key per connect attempt: the same key twice is the same request again
        if (answered.asMap().putIfAbsent(userNkey, expires.plusSeconds(2)) != null) {
            throw new CalloutException(CalloutError.REPLAYED_REQUEST, "request for user key " + userNkey
                    + " was answered already: a replay");
        }
        JsonValue info = NatsJwt.object(nats, "client_info");
        JsonValue opts = NatsJwt.object(nats, "connect_opts");
        AuthRequest.Client client = new AuthRequest.Client(
                orEmpty(NatsJwt.text(info, "host")), NatsJwt.number(info, "id", 0), orEmpty(NatsJwt.text(info, "kind")),
                orEmpty(NatsJwt.text(opts, "name")), orEmpty(NatsJwt.text(opts, "lang")),
                orEmpty(NatsJwt.text(opts, "version")), orEmpty(NatsJwt.text(opts, "user")));
        return new AuthRequest(serverId, orEmpty(NatsJwt.text(server, "name")),
                Optional.ofNullable(NatsJwt.text(server, "xkey")), userNkey, client, token(opts), expires);
    }

    /** {@code auth_token}, or the password when a user name is given (for clients that only do user+pass). */
    private static Optional<String> token(JsonValue opts) {
        String token = NatsJwt.text(opts, "auth_token");
        if (token != null && !token.isEmpty()) {
            return Optional.of(token);
        }
        String user = NatsJwt.text(opts, "user");
        String pass = NatsJwt.text(opts, "pass");
        return user != null && !user.isEmpty() && pass != null && !pass.isEmpty() ? Optional.of(pass) : Optional.empty();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
