package saml2nats.callout;

import io.nats.client.NKey;
import org.junit.jupiter.api.Test;
import saml2nats.json.JsonObject;
import saml2nats.keys.OperatorJwts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The account JWT edit behind a revocation, without a server: what is kept, pruned, signed, and how big it gets. */
class AccountRevocationsTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aRevocationKeepsEveryOtherClaimPrunesWhatNoJwtCanOutliveAndIsSignedByTheOperatorKey() throws Exception {
        NKey operator = NKey.createOperator(RANDOM);
        NKey account = NKey.createAccount(RANDOM);
        NKey signing = NKey.createAccount(RANDOM);
        long now = 1_800_000_000L;
        String original = OperatorJwts.account(operator, "DEV", new String(account.getPublicKey()),
                List.of(new String(signing.getPublicKey())), Optional.empty(), now + 5);
        AccountRevocations r = new AccountRevocations(null, operator.getSeed(), List.of(), Duration.ofHours(8), Clock.systemUTC());

        String old = new String(NKey.createUser(RANDOM).getPublicKey());
        String once = r.withRevocation(original, old, now - Duration.ofHours(9).toSeconds());
        String user = new String(NKey.createUser(RANDOM).getPublicKey());
        String twice = r.withRevocation(once, user, now);

        JsonObject claims = NatsJwt.claimsOf(twice);
        Map<String, Long> revoked = AccountRevocations.revocations(claims.object("nats").orElseThrow());
        assertEquals(Map.of(user, now), revoked, "the entry older than the longest session is pruned");
        assertEquals(now + 5, claims.number("iat").getAsLong(), "iat never goes back: a server ignores an older JWT");
        assertEquals(new String(operator.getPublicKey()), claims.text("iss").orElseThrow());
        assertEquals(NatsJwt.claimsOf(original).object("nats").orElseThrow().texts("signing_keys"),
                claims.object("nats").orElseThrow().texts("signing_keys"), "what ops set stays");
        assertFalse(claims.text("jti").orElseThrow().equals(NatsJwt.claimsOf(original).text("jti").orElseThrow()),
                "a new jti: a server skips a JWT whose jti it holds");
        String[] parts = twice.split("\\.");
        assertTrue(NKey.fromPublicKey(operator.getPublicKey()).verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                Base64.getUrlDecoder().decode(parts[2])), "signed by the operator key");
    }

    @Test
    void tenThousandRevocationsStayBelowTheServersOneMegabyteLimit() throws Exception {
        NKey operator = NKey.createOperator(RANDOM);
        NKey account = NKey.createAccount(RANDOM);
        long now = 1_800_000_000L;
        String jwt = OperatorJwts.account(operator, "DEV", new String(account.getPublicKey()), List.of(), Optional.empty(), now);
        AccountRevocations r = new AccountRevocations(null, operator.getSeed(), List.of(), Duration.ofHours(8), Clock.systemUTC());
        // 9,999 already there (signed in one go: an edit per entry would re-sign a growing JWT 10,000 times), then one more
        saml2nats.json.JsonBuilder many = saml2nats.json.JsonBuilder.object();
        for (int i = 0; i < 9_999; i++) {
            many.number(new String(NKey.createUser(RANDOM).getPublicKey()), now - i % 3600);
        }
        JsonObject claims = NatsJwt.claimsOf(jwt);
        jwt = NatsJwt.sign(SigningKey.of(operator), claims.edit().object("nats",
                claims.object("nats").orElseThrow().edit().object("revocations", many)));
        jwt = r.withRevocation(jwt, new String(NKey.createUser(RANDOM).getPublicKey()), now);
        assertEquals(10_000, AccountRevocations.revocations(NatsJwt.claimsOf(jwt).object("nats").orElseThrow()).size());
        System.out.println("account JWT with 10,000 revocations: " + jwt.length() + " bytes");
        assertTrue(jwt.length() < 1024 * 1024, jwt.length() + " bytes");
    }
}
