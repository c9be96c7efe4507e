package saml2nats.callout;

import io.nats.client.NKey;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.connections.ConnectionName;
import saml2nats.policy.Decision;
import saml2nats.policy.Grant;
import saml2nats.policy.Policy;
import saml2nats.session.AccessToken;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Key-bound creds (operator mode): a user JWT for a user nkey the person's machine made and keeps,
 * signed by the target account's signing key, so the client connects with nats-server's own JWT
 * authentication and no callout per connect. Its seed never reaches the service.
 *
 * <p>{@code challenge → prove → issue}: the CLI asks for a one-time challenge, signs
 * {@link #PROOF_PREFIX} + challenge with the key (the prefix keeps a NATS server's nonce, which the
 * same key signs at every connect, from ever being taken for a proof), and sends the public key and
 * the signature with its token. The first proof binds the session to that key
 * ({@link SessionStore#bind}): later requests (renewals) must prove the same key, and the token no
 * longer connects by itself, so a copied token alone can neither connect nor get creds of its own.
 * The JWT expires at min(session end, role ttl), spread by the jitter; ending the session revokes the
 * key in the account JWT ({@link AccountRevocations}), which the servers enforce.
 */
public final class KeyBoundCreds {
    /** One-time challenges, each for one session, a minute each. */
    public static final Bucket CHALLENGES = new Bucket("credschallenges", Duration.ofMinutes(2));
    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(1);
    /** What the CLI signs before the challenge. */
    public static final String PROOF_PREFIX = "saml2nats creds proof\n";

    /** What was issued: the user JWT, until when, in which account. */
    public record Issued(String jwt, Instant expires, String account) { }

    private final JwtIssuer issuer;
    private final boolean revocable;
    private final SessionStore sessions;
    private final Supplier<Policy> policy;
    private final Slots challenges;
    private final ExpiryJitter jitter;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param revocable whether an operator key is configured, so what is issued can be revoked; without it
     *                  nothing is issued ({@link CredsError#NO_OPERATOR_KEY})
     */
    public KeyBoundCreds(CalloutKeys keys, boolean revocable, SessionStore sessions, Supplier<Policy> policy,
                         Slots challenges, ExpiryJitter jitter, AuditLog audit, Clock clock) {
        this.issuer = new JwtIssuer(keys.issuer(), keys.accounts());
        this.revocable = revocable && keys.operatorMode();
        this.sessions = sessions;
        this.policy = policy;
        this.challenges = challenges;
        this.jitter = jitter;
        this.audit = audit;
        this.clock = clock;
    }

    public boolean enabled() {
        return revocable;
    }

    /** A one-time challenge for the session of this token. */
    public String challenge(String token) throws CredsException {
        requireEnabled();
        Session s = live(token);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        challenges.create(challenge, s.id().getBytes(StandardCharsets.UTF_8), clock.instant().plus(CHALLENGE_LIFETIME));
        return challenge;
    }

    /**
     * A user JWT for {@code publicKey}, when {@code signature} (base64url) over the challenge verifies with it,
     * the challenge is this session's and unused, and the session is not bound to another key.
     */
    public Issued issue(String token, String publicKey, String challenge, String signature) throws CredsException {
        requireEnabled();
        Session s = live(token);
        NKey key = userKey(publicKey);
        consume(challenge, s);
        if (!verifies(key, challenge, signature)) {
            refused(s, CredsError.BAD_PROOF, publicKey);
            throw new CredsException(CredsError.BAD_PROOF);
        }
        switch (sessions.bind(AccessToken.hash(token), publicKey)) {
            case OTHER_KEY -> {
                refused(s, CredsError.OTHER_KEY, publicKey);
                throw new CredsException(CredsError.OTHER_KEY);
            }
            case NO_SESSION -> throw new CredsException(CredsError.SESSION_ENDED);
            case BOUND -> { }
        }
        Decision decision = policy.get().decide(s.identity());
        if (!(decision instanceof Decision.Allow allow)) {
            throw new CredsException(CredsError.NO_GRANT, ((Decision.Deny) decision).reason());
        }
        Grant grant = allow.grant();
        Instant now = clock.instant();
        Instant byTtl = now.plus(grant.ttl());
        Instant expires = jitter.spread(now, s.expires().isBefore(byTtl) ? s.expires() : byTtl);
        if (expires.getEpochSecond() <= now.getEpochSecond()) {
            throw new CredsException(CredsError.SESSION_ENDING);
        }
        String jwt = issuer.userJwt(publicKey, ConnectionName.of(s), grant,
                JwtIssuer.tags(s.identity().idp(), grant.roles()), now.getEpochSecond(), expires.getEpochSecond());
        audit.record(AuditEvent.credsIssued(now, s.id(), person(s), grant.roles(), grant.account(), publicKey, expires));
        return new Issued(jwt, expires, grant.account());
    }

    private void requireEnabled() throws CredsException {
        if (!revocable) {
            throw new CredsException(CredsError.NO_OPERATOR_KEY);
        }
    }

    private Session live(String token) throws CredsException {
        Optional<Session> s = AccessToken.looksLikeToken(token) ? sessions.findByToken(token) : Optional.empty();
        return s.filter(x -> x.isLiveAt(clock.instant())).orElseThrow(() -> new CredsException(CredsError.SESSION_ENDED));
    }

    private static NKey userKey(String publicKey) throws CredsException {
        NKey key;
        try {
            key = NKey.fromPublicKey(publicKey == null ? new char[0] : publicKey.toCharArray());
        } catch (RuntimeException e) {
            throw new CredsException(CredsError.MALFORMED_KEY);
        }
        if (key.getType() != NKey.Type.USER) {
            throw new CredsException(CredsError.NOT_A_USER_KEY, CredsError.NOT_A_USER_KEY.message + "; this one is "
                    + (key.getType() == null ? "of no known kind" : "a " + key.getType().name().toLowerCase(java.util.Locale.ROOT)
                    + " key"));
        }
        return key;
    }

    /** Takes the challenge once; another session's, a used or an expired one is refused. */
    private void consume(String challenge, Session s) throws CredsException {
        Optional<Slots.Slot> slot = challenge == null || challenge.isEmpty() ? Optional.empty() : challenges.get(challenge);
        if (slot.isEmpty() || !new String(slot.get().value(), StandardCharsets.UTF_8).equals(s.id())
                || !challenges.remove(challenge, slot.get())) {
            throw new CredsException(CredsError.UNKNOWN_CHALLENGE);
        }
    }

    private static boolean verifies(NKey key, String challenge, String signature) {
        try {
            byte[] sig = Base64.getUrlDecoder().decode(signature == null ? "" : signature);
            return key.verify((PROOF_PREFIX + challenge).getBytes(StandardCharsets.UTF_8), sig);
        } catch (Exception e) {
            return false;
        }
    }

    private void refused(Session s, CredsError code, String publicKey) {
        audit.record(AuditEvent.credsRefused(clock.instant(), code, "for user key " + publicKey, s.id(), person(s)));
    }

    private static AuditEvent.Person person(Session s) {
        return new AuditEvent.Person(s.identity().subject(), s.identity().email(), s.identity().idp());
    }
}
