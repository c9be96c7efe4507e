package saml2nats.handoff;

import saml2nats.session.Verifier;

import java.security.SecureRandom;
import java.util.Locale;

/** The short codes a person reads and types (device user codes, loopback confirmation codes), and the long secrets. */
final class UserCodes {
    /** No vowels (no words), no look-alikes: 20^8 = 2.6e10 codes. */
    private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";

    private UserCodes() { }

    static String mint(SecureRandom random) {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(USER_CODE_LETTERS.charAt(random.nextInt(USER_CODE_LETTERS.length())));
        }
        return b.toString();
    }

    /** Upper case, letters only: "bcdf ghjk", "BCDF-GHJK" and "bcdfghjk" are one code. */
    static String normalize(String typed) {
        if (typed == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(9);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c >= 'A' && c <= 'Z') {
                if (b.length() == 4) {
                    b.append('-');
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    static String secret(SecureRandom random) {
        return Verifier.mint(random); // the same 256 random bits a verifier has
    }
}
