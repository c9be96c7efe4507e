package saml2nats.config;

import io.nats.client.support.Encoding;

import java.util.Arrays;

/**
 * The nkeys text form (base32 of prefix byte(s), 32 key bytes and a CRC-16), for
 * the one key type jnats's {@code NKey} does not know: curve (xkey) keys,
 * {@code X...} public and {@code SX...} seed; and for the raw bytes of a server's
 * public key, which {@code NKey} decodes only inside each verify.
 */
public final class NKeyText {
    public static final int PREFIX_SEED = 18 << 3;  // 'S'
    public static final int PREFIX_CURVE = 23 << 3; // 'X'
    public static final int PREFIX_SERVER = 13 << 3; // 'N'

    private NKeyText() { }

    public static String encodePublic(int prefix, byte[] key) {
        byte[] raw = new byte[1 + key.length];
        raw[0] = (byte) prefix;
        System.arraycopy(key, 0, raw, 1, key.length);
        return withChecksum(raw);
    }

    public static String encodeSeed(int prefix, byte[] key) {
        byte[] raw = new byte[2 + key.length];
        raw[0] = (byte) (PREFIX_SEED | (prefix >> 5));
        raw[1] = (byte) ((prefix & 31) << 3);
        System.arraycopy(key, 0, raw, 2, key.length);
        return withChecksum(raw);
    }

    /** The 32 key bytes, or IllegalArgumentException naming what is wrong (never echoing the text). */
    public static byte[] decodePublic(int prefix, String text) {
        byte[] raw = checked(text);
        if ((raw[0] & 0xff) != prefix || raw.length != 33) {
            throw new IllegalArgumentException("not a public " + (char) typeLetter(prefix) + " key");
        }
        return Arrays.copyOfRange(raw, 1, 33);
    }

    public static byte[] decodeSeed(int prefix, String text) {
        byte[] raw = checked(text);
        int b1 = raw[0] & 0xff, b2 = raw[1] & 0xff;
        if ((b1 & 0xf8) != PREFIX_SEED || (((b1 & 7) << 5) | (b2 >> 3)) != prefix || raw.length != 34) {
            throw new IllegalArgumentException("not an S" + (char) typeLetter(prefix) + " seed");
        }
        return Arrays.copyOfRange(raw, 2, 34);
    }

    private static int typeLetter(int prefix) {
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(prefix >> 3);
    }

    private static byte[] checked(String text) {
        byte[] all;
        try {
            all = Encoding.base32Decode(text.trim().toCharArray());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not base32 nkey text");
        }
        if (all.length < 4) {
            throw new IllegalArgumentException("too short for an nkey");
        }
        byte[] raw = Arrays.copyOf(all, all.length - 2);
        int crc = (all[all.length - 2] & 0xff) | ((all[all.length - 1] & 0xff) << 8);
        if (crc != crc16(raw)) {
            throw new IllegalArgumentException("checksum mismatch (a character is wrong or missing)");
        }
        return raw;
    }

    private static String withChecksum(byte[] raw) {
        int crc = crc16(raw);
        byte[] all = Arrays.copyOf(raw, raw.length + 2);
        all[raw.length] = (byte) crc;
        all[raw.length + 1] = (byte) (crc >> 8);
        return new String(Encoding.base32Encode(all));
    }

    /** CRC-16/XMODEM, as nkeys uses. */
    public static int crc16(byte[] data) {
        int crc = 0;
        for (byte b : data) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }
}
