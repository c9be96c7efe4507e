package saml2nats.callout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.json.JsonObject;
import saml2nats.policy.Decision;
import saml2nats.policy.Policy;
import saml2nats.connections.ConnectionName;
import saml2nats.session.AccessToken;
import saml2nats.session.PastSession;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The callout protocol, free of NATS I/O: request bytes in, reply bytes out.
 * {@code decode → authorize → respond}, each a step below. Every request gets a
 * signed answer at once, a refusal included, so the server never waits out its
 * timeout on us.
 */
public final class Authorizer {
    private static final Logger log = LoggerFactory.getLogger(Authorizer.class);

    /** The reply to send and what was decided, for the audit line and the metrics. */
    record Outcome(byte[] reply, Verdict verdict, Optional<AuthRequest> request) { }

    private final Admission admission;
    private final ExpiryJitter jitter;
    private final RequestDecoder decoder;
    private final JwtIssuer issuer;
    private final Optional<XKey> xkey;
    private final SessionStore sessions;
    private final Supplier<Policy> policy;
    private final Clock clock;

    /**
     * The last word before a connection is let in: records it for kicks, or says its session
     * ended while it was being authorized ({@link Kicker#connected}).
     */
    public interface Admission {
        Admission ALL = (session, serverId, clientId) -> true;

        boolean admit(Session session, String serverId, long clientId);
    }

    public Authorizer(CalloutKeys keys, ServerTrust servers, SessionStore sessions, Supplier<Policy> policy, Clock clock) {
        this(keys, servers, sessions, policy, clock, Admission.ALL);
    }

    public Authorizer(CalloutKeys keys, ServerTrust servers, SessionStore sessions, Supplier<Policy> policy, Clock clock,
                      Admission admission) {
        this(keys, servers, sessions, policy, clock, admission, ExpiryJitter.NONE);
    }

    public Authorizer(CalloutKeys keys, ServerTrust servers, SessionStore sessions, Supplier<Policy> policy, Clock clock,
                      Admission admission, ExpiryJitter jitter) {
        this.admission = admission;
        this.jitter = jitter;
        this.decoder = new RequestDecoder(keys.xkey(), servers, clock);
        this.issuer = new JwtIssuer(keys.issuer(), keys.accounts());
        this.xkey = keys.xkey();
        this.sessions = sessions;
        this.policy = policy;
        this.clock = clock;
    }

    Outcome authorize(byte[] data, String serverXkey) {
        String jwt;
        AuthRequest request;
        try {
            jwt = decoder.unseal(data, serverXkey);
        } catch (CalloutException e) {
            // cannot read it, so cannot address or seal a signed answer: an empty reply is the protocol's "no"
            return new Outcome(new byte[0], denied(e.code(), e.getMessage()), Optional.empty());
        }
        try {
            request = decoder.decode(jwt);
        } catch (CalloutException e) {
            Verdict verdict = denied(e.code(), e.getMessage());
            return new Outcome(respond(Addressee.guess(jwt), serverXkey, verdict), verdict, Optional.empty());
        }
        Verdict verdict = authorize(request);
        return new Outcome(respond(new Addressee(request.serverId(), request.userNkey()), serverXkey, verdict),
                verdict, Optional.of(request));
    }

    private Verdict authorize(AuthRequest request) {
        if (request.token().isEmpty()) {
            return denied(CalloutError.NO_TOKEN, "no token: connect with the access token from the sign-in page");
        }
        String tokenHash = AccessToken.hash(request.token().get());
        Optional<Session> found = sessions.findByTokenHash(tokenHash);
        if (found.isEmpty()) {
            // a token of a session that ended or expired: say why, and to whom (the audit and the person's page);
            // only for a token of our shape, so garbage in a storm of refusals costs no store lookup
            Optional<PastSession> past = AccessToken.looksLikeToken(request.token().get())
                    ? sessions.past(tokenHash) : Optional.empty();
            return past.<Verdict>map((PastSession p) -> new Verdict.Denied(CalloutError.UNKNOWN_TOKEN,
                            p.words(clock.instant()), Optional.of(p.session())))
                    .orElseGet(() -> denied(CalloutError.UNKNOWN_TOKEN, "no live session for this token: sign in again"));
        }
        Session session = found.get();
        if (session.isKeyBound()) {
            return new Verdict.Denied(CalloutError.KEY_BOUND, "this session's access is bound to the key of its creds file "
                    + "(saml2nats login --creds): connect with the creds, not the token", found);
        }
        Decision decision = policy.get().decide(session.identity());
        if (decision instanceof Decision.Deny deny) {
            CalloutError code = switch (deny.code()) {
                case UNSAFE_SUBJECT_VALUE -> CalloutError.UNSAFE_SUBJECT_VALUE;
                default -> CalloutError.NO_MATCHING_ROLE;
            };
            return new Verdict.Denied(code, deny.reason(), found);
        }
        var grant = ((Decision.Allow) decision).grant();
        Instant now = clock.instant();
        Instant byTtl = now.plus(grant.ttl());
        Instant expires = session.expires().isBefore(byTtl) ? session.expires() : byTtl;
        if (expires.getEpochSecond() <= now.getEpochSecond()) {
            return new Verdict.Denied(CalloutError.SESSION_ENDING, "the session ends within the second: sign in again", found);
        }
        if (!admission.admit(session, request.serverId(), request.client().id())) {
            return new Verdict.Denied(CalloutError.SESSION_ENDED, "the session ended while this connect was authorized",
                    found);
        }
        return new Verdict.Allowed(session, grant, jitter.spread(now, Instant.ofEpochSecond(expires.getEpochSecond())));
    }

    private byte[] respond(Addressee to, String serverXkey, Verdict verdict) {
        long iat = clock.instant().getEpochSecond();
        String response;
        try {
            String userJwt = null;
            String error = null;
            if (verdict instanceof Verdict.Allowed a) {
                var who = a.session().identity();
                userJwt = issuer.userJwt(to.userNkey(), ConnectionName.of(a.session()),
                        a.grant(), JwtIssuer.tags(who.idp(), a.grant().roles()), iat, a.expires().getEpochSecond());
            } else {
                Verdict.Denied d = (Verdict.Denied) verdict;
                error = d.code() + ": " + d.reason();
            }
            response = issuer.response(to.serverId(), to.userNkey(), userJwt, error, iat);
        } catch (Exception e) {
            log.error("signing the callout response failed", e);
            return new byte[0];
        }
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        return xkey.isPresent() && serverXkey != null ? xkey.get().seal(bytes, serverXkey) : bytes;
    }

    private static Verdict.Denied denied(CalloutError code, String reason) {
        return new Verdict.Denied(code, reason, Optional.empty());
    }

    /** Whom a response is for: the server's id ({@code aud}) and the fresh user key ({@code sub}). */
    private record Addressee(String serverId, String userNkey) {
        /** From a request that failed verification: read unverified, only to address a refusal. */
        static Addressee guess(String jwt) {
            try {
                String[] parts = jwt.split("\\.", -1);
                Optional<JsonObject> nats = JsonObject.parse(Base64.getUrlDecoder().decode(parts[1])).object("nats");
                return new Addressee(nats.flatMap(n -> n.object("server_id")).flatMap(id -> id.text("id")).orElse(""),
                        nats.flatMap(n -> n.text("user_nkey")).orElse(""));
            } catch (Exception e) {
                return new Addressee("", "");
            }
        }
    }
}
