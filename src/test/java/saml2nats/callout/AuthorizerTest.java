package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import org.junit.jupiter.api.Test;
import saml2nats.json.JsonObject;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.Tenancy;
import saml2nats.session.AccessToken;
import saml2nats.session.CaffeineSessionStore;
import saml2nats.session.Identity;
import saml2nats.testing.AuthRequests;
import saml2nats.testing.MutableClock;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol core without any server: request bytes in, signed answer out. */
class AuthorizerTest {
    static final String MAPPING = """
            roles:
              - name: developers
                when: { groups: [dev] }
                account: DEV
                publish: { allow: ["dev.>"], deny: ["dev.secret"] }
                subscribe: { allow: ["_INBOX.>"] }
                ttl: 30m
            """;
    static final Identity ALICE = new Identity("okta", "alice@x", "alice@x", "alice", "Alice", List.of("dev"));

    final SecureRandom random = new SecureRandom();
    final MutableClock clock = new MutableClock(Instant.now());
    final NKey issuer = NKey.createAccount(random);
    final CaffeineSessionStore sessions = new CaffeineSessionStore(100, clock, new AccessToken(random));
    final AuthRequests requests = new AuthRequests();

    AuthorizerTest() throws Exception {
    }

    /** Empty: any server whose signature verifies (no allowed_servers, no system user). */
    Authorizer authorizer(Set<String> allowedServers) throws Exception {
        Policy policy = new PolicyLoader(Set.of("DEV"), Tenancy.OPEN).parse("m.yaml", MAPPING);
        return new Authorizer(new CalloutKeys(issuer, Optional.empty()), allowedServers.isEmpty()
                ? ServerTrust.ANY_SIGNING_SERVER : ServerTrust.listed(allowedServers), sessions, () -> policy, clock);
    }

    static JsonObject claims(String jwt) throws Exception {
        return JsonObject.parse(JwtUtils.getClaimBody(jwt));
    }

    /** A session that ended while its connect was authorized gets a signed refusal, not a user JWT. */
    @Test
    void aConnectWhoseSessionEndedMeanwhileIsRefusedWithASignedAnswer() throws Exception {
        String token = sessions.create(ALICE, Duration.ofHours(8)).token();
        Policy policy = new PolicyLoader(Set.of("DEV"), Tenancy.OPEN).parse("m.yaml", MAPPING);
        Authorizer refusing = new Authorizer(new CalloutKeys(issuer, Optional.empty()), ServerTrust.ANY_SIGNING_SERVER,
                sessions, () -> policy, clock, (session, server, client) -> false);
        Authorizer.Outcome out = refusing.authorize(requests.valid(AuthRequests.newUserNkey(), token)
                .getBytes(StandardCharsets.UTF_8), null);
        Verdict.Denied denied = assertInstanceOf(Verdict.Denied.class, out.verdict());
        assertEquals(CalloutError.SESSION_ENDED, denied.code());
        String response = new String(out.reply(), StandardCharsets.UTF_8);
        assertTrue(signatureVerifies(response, issuer), "a signed answer the server reads at once (no timeout)");
        JsonObject nats = claims(response).object("nats").orElseThrow();
        assertFalse(nats.keys().contains("jwt"), "no user JWT");
        assertTrue(nats.text("error").orElseThrow().contains("session ended"), nats.toString());
    }

    @Test
    void allowedAnswerIsAddressedAndSignedAsTheServerChecks() throws Exception {
        String token = sessions.create(ALICE, Duration.ofHours(8)).token();
        String userNkey = AuthRequests.newUserNkey();
        Authorizer.Outcome out = authorizer(Set.of()).authorize(requests.valid(userNkey, token).getBytes(StandardCharsets.UTF_8), null);

        assertInstanceOf(Verdict.Allowed.class, out.verdict());
        String response = new String(out.reply(), StandardCharsets.UTF_8);
        JsonObject r = claims(response);
        assertEquals(requests.serverId, r.text("aud").orElse(null), "aud = the server id");
        assertEquals(userNkey, r.text("sub").orElse(null), "sub = the fresh user nkey");
        assertEquals(new String(issuer.getPublicKey()), r.text("iss").orElse(null));
        assertEquals("authorization_response", r.object("nats").orElseThrow().text("type").orElse(null));
        assertFalse(r.object("nats").orElseThrow().keys().contains("error"));
        assertTrue(signatureVerifies(response, issuer), "the response is signed by the issuer");

        String userJwt = r.object("nats").orElseThrow().text("jwt").orElse(null);
        assertTrue(signatureVerifies(userJwt, issuer), "the user JWT is signed by the issuer");
        JsonObject u = claims(userJwt);
        assertEquals(userNkey, u.text("sub").orElse(null));
        assertEquals("DEV", u.text("aud").orElse(null), "config mode: aud names the account");
        String sessionId = ((Verdict.Allowed) out.verdict()).session().id();
        assertEquals("alice s2n:" + sessionId, u.text("name").orElse(null),
                "the name carries the person and the session its connections are found by");
        JsonObject nats = u.object("nats").orElseThrow();
        assertFalse(nats.keys().contains("issuer_account"), "config mode refuses issuer_account");
        assertEquals("dev.>", nats.object("pub").orElseThrow().texts("allow").get(0));
        assertEquals("dev.secret", nats.object("pub").orElseThrow().texts("deny").get(0));
        for (String limit : List.of("subs", "payload", "data")) {
            assertTrue(!nats.keys().contains(limit) || nats.number(limit).orElse(0) == -1,
                    "no per-user " + limit + " limit: nats-server would not apply it to a callout user (" + nats.number(limit) + ")");
        }
        assertEquals(List.of("idp:okta", "role:developers"), nats.texts("tags"));
        long iat = u.number("iat").orElseThrow();
        long exp = u.number("exp").orElseThrow();
        assertEquals(30 * 60, exp - iat, "the role's ttl, shorter than the session");
    }

    @Test
    void expiryIsCappedBySessionEnd() throws Exception {
        String token = sessions.create(ALICE, Duration.ofMinutes(5)).token();
        Authorizer.Outcome out = authorizer(Set.of()).authorize(requests.valid(AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8), null);
        Verdict.Allowed allowed = assertInstanceOf(Verdict.Allowed.class, out.verdict());
        assertEquals(allowed.session().expires().getEpochSecond(), allowed.expires().getEpochSecond());
    }

    /**
     * 1,000 connects of people whose sessions all end at the same instant (they signed in
     * together): their JWTs expire spread over the last 10% of the lifetime, none after the
     * session's end, so their reconnects do not all land in one second.
     */
    @Test
    void expiriesSharingOneSessionEndAreSpreadOverTheJitterWindowAndNeverLater() throws Exception {
        Policy policy = new PolicyLoader(Set.of("DEV"), Tenancy.OPEN).parse("m.yaml", MAPPING);
        Authorizer jittered = new Authorizer(new CalloutKeys(issuer, Optional.empty()), ServerTrust.ANY_SIGNING_SERVER,
                sessions, () -> policy, clock, Authorizer.Admission.ALL, new ExpiryJitter(10, new java.util.SplittableRandom(7)));
        Authorizer plain = authorizer(Set.of());
        String token = sessions.create(ALICE, Duration.ofMinutes(20)).token();
        Instant end = sessions.findByToken(token).orElseThrow().expires();
        long lifetime = Duration.between(clock.instant(), end).toSeconds();
        java.util.TreeMap<Long, Integer> perSecond = new java.util.TreeMap<>();
        for (int i = 0; i < 1000; i++) {
            Verdict.Allowed a = assertInstanceOf(Verdict.Allowed.class, jittered.authorize(requests.valid(
                    AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8), null).verdict());
            long exp = a.expires().getEpochSecond();
            assertTrue(exp <= end.getEpochSecond(), "never after the session's end: " + a.expires() + " > " + end);
            assertTrue(exp >= end.getEpochSecond() - lifetime / 10 - 1, "at most 10% early: " + a.expires());
            perSecond.merge(exp, 1, Integer::sum);
        }
        long window = lifetime / 10;  // 120 s
        assertTrue(perSecond.size() > window * 3 / 4, "spread over the window: " + perSecond.size() + " distinct seconds of " + window);
        assertTrue(perSecond.values().stream().mapToInt(Integer::intValue).max().orElseThrow() < 40,
                "no second takes a crowd: " + perSecond);
        Verdict.Allowed unjittered = assertInstanceOf(Verdict.Allowed.class, plain.authorize(requests.valid(
                AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8), null).verdict());
        assertEquals(end.getEpochSecond(), unjittered.expires().getEpochSecond(), "without jitter all expire at the end");
    }

    @Test
    void aSessionEndingThisSecondGetsNoJwtThatCouldNeverExpire() throws Exception {
        String token = sessions.create(ALICE, Duration.ofMillis(1500)).token();
        clock.advance(Duration.ofMillis(1000));
        Authorizer.Outcome out = authorizer(Set.of()).authorize(requests.valid(AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8), null);
        Verdict v = out.verdict();
        if (v instanceof Verdict.Allowed a) {
            assertTrue(a.expires().getEpochSecond() > clock.instant().getEpochSecond(), "exp after iat");
        } else {
            assertEquals(CalloutError.SESSION_ENDING, ((Verdict.Denied) v).code());
        }
    }

    @Test
    void everyGarbledRequestGetsItsCode() throws Exception {
        String token = sessions.create(ALICE, Duration.ofHours(1)).token();
        String user = AuthRequests.newUserNkey();
        long now = clock.instant().getEpochSecond();
        NKey account = NKey.createAccount(random);
        String valid = requests.valid(user, token);
        String[] parts = valid.split("\\.");
        String badSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11);

        assertCode(CalloutError.MALFORMED_REQUEST, "not a jwt at all", Set.of());
        assertCode(CalloutError.MALFORMED_REQUEST, "e30.e30.e30", Set.of());
        assertCode(CalloutError.WRONG_TYPE, requests.request(requests.server, "authorization_response", "nats-authorization-request", user, token, now, Duration.ofSeconds(2)), Set.of());
        assertCode(CalloutError.WRONG_TYPE, requests.request(requests.server, "authorization_request", "someone-else", user, token, now, Duration.ofSeconds(2)), Set.of());
        assertCode(CalloutError.UNTRUSTED_SERVER, requests.request(account, "authorization_request", "nats-authorization-request", user, token, now, Duration.ofSeconds(2)), Set.of());
        assertCode(CalloutError.BAD_SIGNATURE, badSignature, Set.of());
        assertCode(CalloutError.EXPIRED_REQUEST, requests.request(requests.server, "authorization_request", "nats-authorization-request", user, token, now - 100, Duration.ofSeconds(10)), Set.of());
        assertCode(CalloutError.UNTRUSTED_SERVER, valid, Set.of("NOTTHISSERVER"));
        assertCode(CalloutError.NO_TOKEN, requests.valid(user, null), Set.of());
        assertCode(CalloutError.UNKNOWN_TOKEN, requests.valid(user, "s2n_nope"), Set.of());
        assertCode(CalloutError.MALFORMED_REQUEST, requests.valid("not-a-user-key", token), Set.of());
    }

    @Test
    void aRequestSignedByOneServerNamingAnotherIsRefused() throws Exception {
        // its own signature verifies, but it claims to come from requests.serverId
        NKey other = NKey.createServer(random);
        String token = sessions.create(ALICE, Duration.ofHours(1)).token();
        String forged = requests.request(other, "authorization_request", "nats-authorization-request",
                AuthRequests.newUserNkey(), token, clock.instant().getEpochSecond(), Duration.ofSeconds(2));
        assertCode(CalloutError.UNTRUSTED_SERVER, forged, Set.of());
        assertCode(CalloutError.UNTRUSTED_SERVER, forged, Set.of(requests.serverId));
    }

    @Test
    void aRequestWithoutExpiryIsRefused() throws Exception {
        String token = sessions.create(ALICE, Duration.ofHours(1)).token();
        String forever = requests.request(requests.server, "authorization_request", "nats-authorization-request",
                AuthRequests.newUserNkey(), token, clock.instant().getEpochSecond(), null);
        assertCode(CalloutError.MALFORMED_REQUEST, forever, Set.of());
    }

    @Test
    void aReplayedRequestIsRefusedUntilItExpires() throws Exception {
        String token = sessions.create(ALICE, Duration.ofHours(1)).token();
        Authorizer one = authorizer(Set.of());
        byte[] request = requests.valid(AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(Verdict.Allowed.class, one.authorize(request, null).verdict());
        Verdict.Denied again = assertInstanceOf(Verdict.Denied.class, one.authorize(request, null).verdict());
        assertEquals(CalloutError.REPLAYED_REQUEST, again.code());
        assertInstanceOf(Verdict.Allowed.class, one.authorize(requests.valid(AuthRequests.newUserNkey(), token)
                .getBytes(StandardCharsets.UTF_8), null).verdict(), "the next connect has a key of its own");
    }

    @Test
    void noMatchingRoleIsRefusedWithTheSession() throws Exception {
        String token = sessions.create(new Identity("okta", "s", "s@x", "s", "S", List.of("sales")), Duration.ofHours(1)).token();
        Authorizer.Outcome out = authorizer(Set.of()).authorize(requests.valid(AuthRequests.newUserNkey(), token).getBytes(StandardCharsets.UTF_8), null);
        Verdict.Denied d = assertInstanceOf(Verdict.Denied.class, out.verdict());
        assertEquals(CalloutError.NO_MATCHING_ROLE, d.code());
        assertTrue(d.session().isPresent(), "the audit line can name the person");
    }

    @Test
    void sealedRequestWithoutAnXkeyIsRefused() throws Exception {
        XKey server = XKey.generate(random);
        byte[] sealed = server.seal("eyJ...".getBytes(StandardCharsets.UTF_8), XKey.generate(random).publicKey());
        Authorizer.Outcome out = authorizer(Set.of()).authorize(sealed, server.publicKey());
        assertEquals(CalloutError.SEAL_MISMATCH, ((Verdict.Denied) out.verdict()).code());
        assertEquals(0, out.reply().length, "cannot address a signed answer: the empty reply is the protocol's no");
    }

    private void assertCode(CalloutError expected, String request, Set<String> allowed) throws Exception {
        Authorizer.Outcome out = authorizer(allowed).authorize(request.getBytes(StandardCharsets.UTF_8), null);
        Verdict.Denied d = assertInstanceOf(Verdict.Denied.class, out.verdict(), request);
        assertEquals(expected, d.code(), d.reason());
        String error = claims(new String(out.reply(), StandardCharsets.UTF_8)).object("nats").orElseThrow().text("error").orElseThrow();
        assertTrue(error.startsWith(expected.name()), "the signed refusal carries the code: " + error);
    }

    static boolean signatureVerifies(String jwt, NKey key) throws Exception {
        String[] p = jwt.split("\\.");
        return key.verify((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII), java.util.Base64.getUrlDecoder().decode(p[2]));
    }
}
