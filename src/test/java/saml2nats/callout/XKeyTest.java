package saml2nats.callout;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unit checks of the sealing; {@link CalloutXkeyIT} is the proof against a real nats-server. */
class XKeyTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void sealedToAKeyOpensOnlyWithIt() {
        XKey server = XKey.generate(random);
        XKey service = XKey.generate(random);
        XKey stranger = XKey.generate(random);
        byte[] plain = "eyJhbGciOiJlZDI1NTE5LW5rZXkifQ.payload.sig".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = server.seal(plain, service.publicKey());
        assertTrue(XKey.isSealed(sealed));
        assertEquals(4 + 24 + 16 + plain.length, sealed.length, "xkv1 + nonce + tag + ciphertext");
        assertArrayEquals(plain, service.open(sealed, server.publicKey()));
        assertThrows(IllegalArgumentException.class, () -> stranger.open(sealed, server.publicKey()));

        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> service.open(altered, server.publicKey()));
        assertFalse(java.util.Arrays.equals(sealed, server.seal(plain, service.publicKey())), "a fresh nonce every time");
    }

    @Test
    void seedAndPublicKeyTextRoundTrip() {
        XKey key = XKey.generate(random);
        assertTrue(key.seed().startsWith("SX"), key.seed());
        assertTrue(key.publicKey().startsWith("X"), key.publicKey());
        assertEquals(56, key.publicKey().length());
        assertEquals(key.publicKey(), XKey.fromSeed(key.seed()).publicKey());
        String typo = key.seed().substring(0, 10) + (key.seed().charAt(10) == 'A' ? 'B' : 'A') + key.seed().substring(11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XKey.fromSeed(typo));
        assertFalse(e.getMessage().contains(key.seed().substring(4, 20)), "errors never echo the seed");
        assertThrows(IllegalArgumentException.class, () -> XKey.fromSeed("SAAGNWKDLYVBXRMHHJYJSN5CNJCPYTM64BL5H7SXWHUDTOAIXZG3XBGTHM"));
    }

    /** crypto_box_beforenm of the NaCl distribution's box test: HSalsa20(X25519(alicesk, bobpk), 0). */
    @Test
    void hsalsa20KnownAnswer() {
        byte[] shared = HexFormat.of().parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] expected = HexFormat.of().parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        assertArrayEquals(expected, XKey.hsalsa20(shared, new byte[16]));
    }
}
