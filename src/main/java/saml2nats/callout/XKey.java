package saml2nats.callout;

import saml2nats.config.NKeyText;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Pack;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A curve ("xkey") key pair and the sealing nats-server uses for auth callout when
 * configured with {@code xkey}: {@code "xkv1"} + 24-byte nonce + NaCl box, that is
 * X25519, then HSalsa20 to a shared key, then XSalsa20-Poly1305 (tag first).
 * Written from the NaCl construction and the layout in nkeys {@code xkeys.go};
 * the round trip against a real nats-server is the test that matters.
 */
public final class XKey {
    private static final byte[] VERSION = {'x', 'k', 'v', '1'};
    private static final int NONCE = 24;
    private static final int TAG = 16;
    private static final int KEY = 32;

    private final byte[] privateKey;
    private final String publicKey;
    private final SecureRandom random;
    /**
     * crypto_box_beforenm per peer: a server's xkey is fixed for its life, so the X25519
     * agreement and HSalsa20 are done once per server, not per request (halves the cost
     * of opening and sealing). Bounded: peers are servers, a handful.
     */
    private final Cache<String, byte[]> sharedKeys = Caffeine.newBuilder().maximumSize(1024).build();

    private XKey(byte[] privateKey, SecureRandom random) {
        this.privateKey = privateKey;
        this.random = random;
        byte[] pub = new byte[KEY];
        X25519.scalarMultBase(privateKey, 0, pub, 0);
        this.publicKey = NKeyText.encodePublic(NKeyText.PREFIX_CURVE, pub);
    }

    /** From an {@code SX...} seed; IllegalArgumentException without echoing the seed when it is not one. */
    public static XKey fromSeed(String seed) {
        return new XKey(NKeyText.decodeSeed(NKeyText.PREFIX_CURVE, seed), new SecureRandom());
    }

    public static XKey generate(SecureRandom random) {
        byte[] key = new byte[KEY];
        random.nextBytes(key);
        return new XKey(key, random);
    }

    public String publicKey() {
        return publicKey;
    }

    public String seed() {
        return NKeyText.encodeSeed(NKeyText.PREFIX_CURVE, privateKey);
    }

    /** True when the bytes carry the sealed-message version marker. */
    public static boolean isSealed(byte[] data) {
        return data.length >= VERSION.length && Arrays.equals(data, 0, VERSION.length, VERSION, 0, VERSION.length);
    }

    public byte[] seal(byte[] plain, String recipientPublic) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] shared = sharedKey(recipientPublic);
        XSalsa20Engine cipher = new XSalsa20Engine();
        cipher.init(true, new ParametersWithIV(new KeyParameter(shared), nonce));
        byte[] polyKey = new byte[KEY];
        cipher.processBytes(new byte[KEY], 0, KEY, polyKey, 0);

        int head = VERSION.length + NONCE;
        byte[] out = new byte[head + TAG + plain.length];
        System.arraycopy(VERSION, 0, out, 0, VERSION.length);
        System.arraycopy(nonce, 0, out, VERSION.length, NONCE);
        cipher.processBytes(plain, 0, plain.length, out, head + TAG);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        mac.update(out, head + TAG, plain.length);
        mac.doFinal(out, head);
        return out;
    }

    /** Opens a message sealed to this key by {@code senderPublic}; IllegalArgumentException when it does not open. */
    public byte[] open(byte[] sealed, String senderPublic) {
        int head = VERSION.length + NONCE;
        if (!isSealed(sealed) || sealed.length < head + TAG) {
            throw new IllegalArgumentException("not an xkv1 sealed message");
        }
        byte[] nonce = Arrays.copyOfRange(sealed, VERSION.length, head);
        byte[] shared = sharedKey(senderPublic);
        XSalsa20Engine cipher = new XSalsa20Engine();
        cipher.init(false, new ParametersWithIV(new KeyParameter(shared), nonce));
        byte[] polyKey = new byte[KEY];
        cipher.processBytes(new byte[KEY], 0, KEY, polyKey, 0);

        int length = sealed.length - head - TAG;
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        mac.update(sealed, head + TAG, length);
        byte[] tag = new byte[TAG];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(sealed, head, head + TAG))) {
            throw new IllegalArgumentException("the sealed message does not open with this key (wrong key or altered bytes)");
        }
        byte[] plain = new byte[length];
        cipher.processBytes(sealed, head + TAG, length, plain, 0);
        return plain;
    }

    private byte[] sharedKey(String otherPublic) {
        byte[] cached = sharedKeys.getIfPresent(otherPublic);
        if (cached != null) {
            return cached;
        }
        byte[] shared = computeSharedKey(otherPublic);
        sharedKeys.put(otherPublic, shared);
        return shared;
    }

    /** NaCl crypto_box_beforenm: HSalsa20 over the X25519 shared secret with a zero nonce. */
    private byte[] computeSharedKey(String otherPublic) {
        byte[] other = NKeyText.decodePublic(NKeyText.PREFIX_CURVE, otherPublic);
        byte[] secret = new byte[KEY];
        if (!X25519.calculateAgreement(privateKey, 0, other, 0, secret, 0)) {
            throw new IllegalArgumentException("the peer's xkey is a low-order point");
        }
        return hsalsa20(secret, new byte[16]);
    }

    /** HSalsa20: the Salsa20 core without its final addition, words 0,5,10,15,6,7,8,9. */
    static byte[] hsalsa20(byte[] key, byte[] nonce16) {
        int[] state = new int[16];
        state[0] = 0x61707865;
        state[5] = 0x3320646e;
        state[10] = 0x79622d32;
        state[15] = 0x6b206574;
        Pack.littleEndianToInt(key, 0, state, 1, 4);
        Pack.littleEndianToInt(key, 16, state, 11, 4);
        Pack.littleEndianToInt(nonce16, 0, state, 6, 4);
        int[] x = new int[16];
        Salsa20Engine.salsaCore(20, state, x);
        int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
        byte[] out = new byte[KEY];
        for (int i = 0; i < words.length; i++) {
            int w = words[i];
            Pack.intToLittleEndian(x[w] - state[w], out, i * 4);
        }
        return out;
    }
}
