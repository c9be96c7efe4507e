package saml2nats.cli;

import io.nats.client.NKey;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key-bound creds on this machine: a user nkey made here (its seed never leaves the creds file),
 * a user JWT for it from the service after proving the key (the service's challenge, signed), and
 * the creds file (0600) the NATS context names, so {@code nats --context}, jnats and nats.go connect
 * with nats-server's own JWT authentication. {@link #refresh} gets a new JWT for the same key while
 * the session lives; clients read the file again when they reconnect.
 */
public final class CredsFile {
    private static final Pattern SEED = Pattern.compile("-----BEGIN USER NKEY SEED-----\\s*(SU[A-Z2-7]+)\\s*------END USER NKEY SEED------");
    /** What the service signs the challenge after; the same words as the service's {@code KeyBoundCreds.PROOF_PREFIX}. */
    static final String PROOF_PREFIX = "saml2nats creds proof\n";

    private final ServiceClient service;
    private final NatsContext contexts;
    private final PrintStream out;

    public CredsFile(ServiceClient service, NatsContext contexts, PrintStream out) {
        this.service = service;
        this.contexts = contexts;
        this.out = out;
    }

    /** The creds file nats-server's clients read: the user JWT, then the seed that proves the key at connect. */
    public static String text(String jwt, char[] seed) {
        return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "************************* IMPORTANT *************************\n"
                + "NKEY Seed printed below can be used to sign and prove identity.\n"
                + "NKEYs are sensitive and should be treated as secrets.\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + new String(seed) + "\n------END USER NKEY SEED------\n\n"
                + "*************************************************************\n";
    }

    /** A new user key for the context's session, its creds written; the session is bound to the key from now on. */
    public void create(String context, String token, SecureRandom random) throws CliException {
        NKey key;
        try {
            key = NKey.createUser(random);
        } catch (Exception e) {
            throw new CliException("could not make a user key: " + e.getMessage(), e);
        }
        write(context, token, key);
    }

    /** A new JWT for the key the context's creds already hold. */
    public void refresh(String context) throws CliException {
        NatsContext.Entry entry = contexts.read(context).filter(e -> !e.token().isEmpty()).orElseThrow(() ->
                new CliException("context '" + context + "' has no saml2nats sign-in: run saml2nats login --creds"
                        + Signed.named(context)));
        String creds = contexts.readCreds(context).orElseThrow(() -> new CliException("context '" + context
                + "' has no key-bound creds (" + contexts.credsFile(context) + "): run saml2nats login --creds" + Signed.named(context)));
        Matcher m = SEED.matcher(creds);
        if (!m.find()) {
            throw new CliException(contexts.credsFile(context) + " holds no user nkey seed: run saml2nats login --creds"
                    + Signed.named(context));
        }
        NKey key;
        try {
            key = NKey.fromSeed(m.group(1).toCharArray());
        } catch (RuntimeException e) {
            throw new CliException(contexts.credsFile(context) + " holds a seed that is not an nkey: run saml2nats login --creds"
                    + Signed.named(context));
        }
        write(context, entry.token(), key);
    }

    private void write(String context, String token, NKey key) throws CliException {
        try {
            String publicKey = new String(key.getPublicKey());
            ServiceClient.Answer challenge = service.postWithToken("cli/creds/challenge", token, Map.of());
            if (challenge.error().isPresent()) {
                throw new CliException("no creds: " + challenge.why());
            }
            String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    key.sign((PROOF_PREFIX + challenge.text("challenge")).getBytes(StandardCharsets.UTF_8)));
            ServiceClient.Answer issued = service.postWithToken("cli/creds", token, Map.of("public_key", publicKey,
                    "challenge", challenge.text("challenge"), "signature", signature));
            if (issued.error().isPresent()) {
                throw new CliException("no creds: " + issued.why());
            }
            contexts.writeCreds(context, text(issued.text("jwt"), key.getSeed()));
            out.println("Wrote key-bound creds for user key " + publicKey + " (" + contexts.credsFile(context)
                    + ", readable by you only), account " + issued.text("account") + ", valid until "
                    + Whoami.ends(issued.text("expires"), java.time.Instant.now()) + ".");
            out.println("Renew before then with saml2nats creds refresh" + Signed.named(context)
                    + "; the key never leaves this machine.");
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("could not sign with the user key: " + e.getMessage(), e);
        }
    }
}
