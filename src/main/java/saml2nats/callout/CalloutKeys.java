package saml2nats.callout;

import io.nats.client.NKey;

import java.util.Optional;

/**
 * The keys the responder signs and seals with, parsed once at start.
 *
 * @param issuer the callout issuer account key ({@code auth_callout.issuer} is its public key)
 * @param xkey   present when nats-server seals requests ({@code auth_callout.xkey} is its public key)
 */
public record CalloutKeys(NKey issuer, Optional<XKey> xkey) {

    /** From seed text; errors name the setting and never echo the seed. */
    public static CalloutKeys fromSeeds(String issuerSeed, Optional<String> xkeySeed) {
        NKey issuer;
        try {
            issuer = NKey.fromSeed(issuerSeed.trim().toCharArray());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("callout issuer seed is not an nkey seed (expected one starting SA)");
        }
        if (issuer.getType() != NKey.Type.ACCOUNT) {
            throw new IllegalArgumentException("callout issuer seed is a " + issuer.getType()
                    + " key; auth callout needs an account key (seed starting SA)");
        }
        Optional<XKey> xkey;
        try {
            xkey = xkeySeed.map(XKey::fromSeed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("callout xkey seed is not a curve seed (expected one starting SX): " + e.getMessage());
        }
        return new CalloutKeys(issuer, xkey);
    }

    public String issuerPublic() {
        try {
            return new String(issuer.getPublicKey());
        } catch (Exception e) {
            throw new IllegalStateException("issuer key unusable", e);
        }
    }

    @Override
    public String toString() {
        return "CalloutKeys[issuer=" + issuerPublic() + ", xkey=" + xkey.map(XKey::publicKey).orElse("none") + "]";
    }
}
