package saml2nats.callout;

import io.nats.client.NKey;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys the responder signs and seals with, parsed once at start.
 *
 * @param issuer   the callout issuer account key ({@code auth_callout.issuer} is its public key;
 *                 in operator mode the callout account's own key, which signs responses)
 * @param xkey     present when nats-server seals requests ({@code auth_callout.xkey} is its public key)
 * @param accounts operator mode: each target account's public key and signing keys (people's
 *                 JWTs are signed by the first); empty in config mode
 */
public record CalloutKeys(NKey issuer, Optional<XKey> xkey, Map<String, Account> accounts) {

    /** A target account in operator mode: its public key, and the signing keys the service holds for it. */
    public record Account(String publicKey, List<NKey> signingKeys) {
        public Account {
            if (signingKeys.isEmpty()) {
                throw new IllegalArgumentException("account " + publicKey + " needs at least one signing key");
            }
            signingKeys = List.copyOf(signingKeys);
        }

        @Override
        public String toString() {
            return "Account[" + publicKey + ", " + signingKeys.size() + " signing key(s)]";
        }
    }

    public CalloutKeys(NKey issuer, Optional<XKey> xkey) {
        this(issuer, xkey, Map.of());
    }

    public CalloutKeys {
        accounts = Map.copyOf(accounts);
    }

    public boolean operatorMode() {
        return !accounts.isEmpty();
    }

    /** Operator mode: signing keys from seed text, checked to be account keys; errors name the setting. */
    public static Account account(String name, String publicKey, List<String> signingSeeds) {
        if (!NatsJwt.isPublicKey(publicKey, NKey.Type.ACCOUNT)) {
            throw new IllegalArgumentException("operator.accounts." + name + ".public_key is not an account public key "
                    + "(expected one starting A)");
        }
        List<NKey> keys = new java.util.ArrayList<>();
        for (String seed : signingSeeds) {
            NKey key;
            try {
                key = NKey.fromSeed(seed.trim().toCharArray());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("operator.accounts." + name + ".signing_key_files: a file is not an "
                        + "nkey seed (expected one starting SA)");
            }
            if (key.getType() != NKey.Type.ACCOUNT) {
                throw new IllegalArgumentException("operator.accounts." + name + ".signing_key_files: a " + key.getType()
                        + " key; account signing keys are account keys (seed starting SA)");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("operator.accounts." + name + ".signing_key_files: list at least one; "
                    + "the service signs people's JWTs for " + name + " with it");
        }
        return new Account(publicKey, keys);
    }

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
        return "CalloutKeys[issuer=" + issuerPublic() + ", xkey=" + xkey.map(XKey::publicKey).orElse("none")
                + (accounts.isEmpty() ? "" : ", accounts=" + accounts) + "]";
    }
}
