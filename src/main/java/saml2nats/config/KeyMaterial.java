package saml2nats.config;

import io.nats.client.NKey;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Parses the seeds, keys and certificates a config names, at load, so that a wrong file is
 * refused then, naming its setting, rather than at first use (or one per start). Each problem is
 * added to the loader's list; none carries a secret's text, only where it came from.
 */
final class KeyMaterial {
    private static final String KEYS_INIT = "'saml2nats keys init DIR' makes one";
    private static final String OPERATOR_INIT = "'saml2nats keys init --operator DIR' makes them";

    private KeyMaterial() { }

    /**
     * An account seed ({@code SA...}): what signs callout answers and operator-mode user JWTs.
     * A user or operator seed would parse, sign, and be refused by nats-server at every sign-in.
     */
    static void accountSeed(Secret seed, String setting, String remedy, List<String> errors) {
        seedOf(seed, setting, NKey.Type.ACCOUNT, "an account seed starts with SA", remedy, errors);
    }

    /** An operator seed or an operator signing key's ({@code SO...}): what re-signs account JWTs with revocations. */
    static void operatorSeed(Secret seed, String setting, List<String> errors) {
        seedOf(seed, setting, NKey.Type.OPERATOR, "an operator seed starts with SO", "the operator's own seed or one of "
                + "its signing keys re-signs account JWTs; " + OPERATOR_INIT, errors);
    }

    /** A seed of one kind; its text is never in the message, only where it came from and what it is. */
    private static void seedOf(Secret seed, String setting, NKey.Type type, String looks, String remedy, List<String> errors) {
        String where = setting + " (" + seed.origin() + ")";
        NKey key;
        try {
            key = NKey.fromSeed(seed.value().toCharArray());
        } catch (RuntimeException e) {
            errors.add(where + ": not an nkey seed (" + looks + "); " + remedy);
            return;
        }
        try {
            if (key.getType() != type) {
                errors.add(where + ": not an " + type.name().toLowerCase(java.util.Locale.ROOT) + " seed (it is "
                        + describe(key.getType()) + "); " + remedy);
            }
        } finally {
            key.clear();
        }
    }

    static void accountSeed(Secret seed, String setting, List<String> errors) {
        accountSeed(seed, setting, KEYS_INIT, errors);
    }

    static void operatorSigningKey(Secret seed, String setting, List<String> errors) {
        accountSeed(seed, setting, OPERATOR_INIT, errors);
    }

    /** A curve seed ({@code SX...}), what nats-server seals callout requests to when it has an xkey. */
    static void curveSeed(Secret seed, String setting, List<String> errors) {
        try {
            NKeyText.decodeSeed(NKeyText.PREFIX_CURVE, seed.value());
        } catch (IllegalArgumentException e) {
            // the decoder's message says what is wrong with the text without echoing it
            errors.add(setting + " (" + seed.origin() + "): not a curve seed (one starts with SX): " + e.getMessage()
                    + "; " + KEYS_INIT);
        }
    }

    /** An account public key ({@code A...}); public, so it may be quoted. */
    static void accountPublicKey(String key, String setting, List<String> errors) {
        boolean valid;
        try {
            valid = NKey.isValidPublicAccountKey(key.toCharArray());
        } catch (RuntimeException e) {
            valid = false; // jnats throws, rather than answers false, for text that is not base32
        }
        if (!valid) {
            errors.add(setting + ": '" + key + "' is not an account public key (one starts with A); "
                    + "nsc describe account shows it, or " + OPERATOR_INIT);
        }
    }

    /** A certificate entry as {@link Certificates#parse} reads it: a file (named in the message) or the text itself. */
    static Optional<X509Certificate> certificate(String text, String setting, List<String> errors) {
        String where = Certificates.isFilePath(text) ? setting + " (" + text.trim() + ")" : setting;
        try {
            return Optional.of(Certificates.parse(text, where));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A key and its certificate, both or neither (the SP's signing pair, its decryption pair): a
     * key without its certificate cannot be published in the metadata, a certificate without its
     * key signs or decrypts nothing. When both are read, the certificate must be the key's, or the
     * IdP would check signatures (or encrypt) with a key this service does not hold.
     */
    static void pair(Optional<Path> key, Optional<Path> certificate, String keySetting, String certificateSetting,
                     boolean read, List<String> errors) {
        if (key.isPresent() != certificate.isPresent()) {
            String given = key.isPresent() ? keySetting : certificateSetting;
            String missing = key.isPresent() ? certificateSetting : keySetting;
            errors.add(given + ": given without " + missing + "; give both, or neither");
            return;
        }
        if (key.isEmpty() || !read) {
            return;
        }
        Optional<PrivateKey> privateKey;
        try {
            privateKey = Optional.of(Certificates.privateKey(key.get(), keySetting));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage() + "; openssl pkcs8 -topk8 -nocrypt converts one");
            privateKey = Optional.empty();
        }
        Optional<X509Certificate> cert = certificate(certificate.get().toString(), certificateSetting, errors);
        if (privateKey.isPresent() && cert.isPresent() && !belongTogether(privateKey.get(), cert.get())) {
            errors.add(certificateSetting + " (" + certificate.get() + ") is not the certificate of " + keySetting + " ("
                    + key.get() + "); give the certificate made with that key");
        }
    }

    /** Whether the certificate's public key verifies what the private key signs; true for kinds not tried. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String describe(NKey.Type type) {
        return switch (type) {
            case USER -> "a user seed, SU...";
            case OPERATOR -> "an operator seed, SO...";
            case ACCOUNT -> "an account seed, SA...";
            case SERVER -> "a server seed, SN...";
            case CLUSTER -> "a cluster seed, SC...";
            default -> "a " + type.name().toLowerCase(java.util.Locale.ROOT) + " seed";
        };
    }
}
