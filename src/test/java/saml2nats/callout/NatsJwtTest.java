package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prepared signer and the JWT writer are pinned to jnats's own output; the verifier to what must fail. */
class NatsJwtTest {
    final SecureRandom random = new SecureRandom();

    @Test
    void aPreparedKeySignsTheSameBytesAsNKey() throws Exception {
        NKey account = NKey.createAccount(random);
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        SigningKey prepared = SigningKey.of(account);

        assertArrayEquals(account.sign(message), prepared.sign(message), "Ed25519 is deterministic: same key, same bytes");
        assertEquals(new String(account.getPublicKey()), prepared.publicKey());
    }

    @Test
    void issuedJwtsAreTheOnesJnatsWouldIssue() throws Exception {
        NKey account = NKey.createAccount(random);
        String user = new String(NKey.createUser(random).getPublicKey());
        JwtUtils.UserClaim claim = new JwtUtils.UserClaim(null).pub(new JwtUtils.Permission().allow("dev.>")).tags("idp:okta");

        String ours = NatsJwt.issue(SigningKey.of(account), user, "alice", 1_700_000_000L, 1_700_003_600L, "DEV", claim);
        String jnats = JwtUtils.issueJWT(account, user, "alice", Duration.ofHours(1), 1_700_000_000L,
                new String(account.getPublicKey()), "DEV", claim);
        assertEquals(jnats, ours);

        String noExpiry = NatsJwt.issue(SigningKey.of(account), user, null, 1_700_000_000L, 0, "SERVER", claim);
        assertEquals(JwtUtils.issueJWT(account, user, null, null, 1_700_000_000L, new String(account.getPublicKey()),
                "SERVER", claim), noExpiry);
    }

    @Test
    void onlyTheNamedServersKeyVerifies() throws Exception {
        NKey server = NKey.createServer(random);
        NKey other = NKey.createServer(random);
        ServerKeys keys = new ServerKeys();
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = server.sign(message);
        String serverKey = new String(server.getPublicKey());

        assertTrue(keys.verifies(serverKey, message, signature));
        assertTrue(keys.verifies(serverKey, message, signature), "and again, from the decoded key kept");
        assertFalse(keys.verifies(new String(other.getPublicKey()), message, signature), "another server's key");
        assertFalse(keys.verifies(serverKey, "header.other".getBytes(StandardCharsets.US_ASCII), signature), "other bytes");
        byte[] flipped = signature.clone();
        flipped[5] ^= 1;
        assertFalse(keys.verifies(serverKey, message, flipped), "a changed signature");
        assertFalse(keys.verifies(serverKey, message, new byte[10]), "a short signature");
        assertFalse(keys.verifies(new String(NKey.createAccount(random).getPublicKey()), message, signature),
                "an account key is not a server key");
        assertFalse(keys.verifies("not-a-key", message, signature), "not a key at all");
    }

    @Test
    void aRequestSignedByAnotherKeyThanItsIssuerIsRefused() throws Exception {
        NKey server = NKey.createServer(random);
        NKey impostor = NKey.createServer(random);
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"" + new String(server.getPublicKey()) + "\"}").getBytes(StandardCharsets.UTF_8));
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));
        String signed = header + "." + body;
        String forged = signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(impostor.sign(signed.getBytes(StandardCharsets.US_ASCII)));
        String genuine = signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(server.sign(signed.getBytes(StandardCharsets.US_ASCII)));

        ServerKeys keys = new ServerKeys();
        assertEquals(new String(server.getPublicKey()), NatsJwt.verify(genuine, keys).text("iss").orElseThrow());
        CalloutException e = assertThrows(CalloutException.class, () -> NatsJwt.verify(forged, keys));
        assertEquals(CalloutError.BAD_SIGNATURE, e.code());
    }
}
