package saml2nats.saml;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Message IDs, for this SP's requests and the dev IdP's responses alike. */
final class SamlIds {
    private SamlIds() { }

    /** A fresh message ID: 160 random bits, starting with a letter-like '_' as xs:ID needs. */
    static String fresh(SecureRandom random) {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return "_" + HexFormat.of().formatHex(b);
    }
}
