package saml2nats.callout;

import io.nats.client.NKey;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.json.JsonObject;
import saml2nats.store.ExpiringCache;

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
        JsonObject claims = NatsJwt.verify(jwt, servers);
        Optional<JsonObject> request = claims.object("nats");
        if (!Protocol.REQUEST_AUDIENCE.equals(claims.text("aud").orElse(null)) || request.isEmpty()
                || !Protocol.REQUEST_TYPE.equals(request.get().text("type").orElse(null))) {
            throw new CalloutException(CalloutError.WRONG_TYPE, "JWT is not an authorization_request");
        }
        JsonObject nats = request.get();
        String issuer = claims.text("iss").orElseThrow(); // verify checked it is a server key
        Optional<JsonObject> server = nats.object("server_id");
        String serverId = text(server, "id");
        if (!issuer.equals(serverId)) {
            throw new CalloutException(CalloutError.UNTRUSTED_SERVER, "request issuer differs from server_id.id");
        }
        // nats-server always sets exp (now + its auth timeout); one without could be answered forever
        long exp = claims.number("exp").orElse(0);
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
        String userNkey = nats.text("user_nkey").orElse(null);
        if (!NatsJwt.isPublicKey(userNkey, NKey.Type.USER)) {
            throw new CalloutException(CalloutError.MALFORMED_REQUEST, "request has no valid user_nkey");
        }
        // the server makes a fresh user key per connect attempt: the same key twice is the same request again
        if (answered.asMap().putIfAbsent(userNkey, expires.plusSeconds(2)) != null) {
            throw new CalloutException(CalloutError.REPLAYED_REQUEST, "request for user key " + userNkey
                    + " was answered already: a replay");
        }
        Optional<JsonObject> info = nats.object("client_info");
        Optional<JsonObject> opts = nats.object("connect_opts");
        AuthRequest.Client client = new AuthRequest.Client(
                text(info, "host"), info.map(i -> i.number("id").orElse(0)).orElse(0L), text(info, "kind"),
                text(opts, "name"), text(opts, "lang"), text(opts, "version"), text(opts, "user"));
        return new AuthRequest(serverId, text(server, "name"), server.flatMap(s -> s.text("xkey")), userNkey, client,
                token(opts), expires);
    }

    /** {@code auth_token}, or the password when a user name is given (for clients that only do user+pass). */
    private static Optional<String> token(Optional<JsonObject> opts) {
        String token = text(opts, "auth_token");
        if (!token.isEmpty()) {
            return Optional.of(token);
        }
        String user = text(opts, "user");
        String pass = text(opts, "pass");
        return !user.isEmpty() && !pass.isEmpty() ? Optional.of(pass) : Optional.empty();
    }

    /** A text field of an object that may be absent; "" when either is. */
    private static String text(Optional<JsonObject> object, String key) {
        return object.flatMap(o -> o.text(key)).orElse("");
    }
}
