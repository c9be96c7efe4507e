package saml2nats.callout;

import io.nats.client.NKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * {@code saml2nats keys init DIR}: makes the callout issuer account key, an xkey, the
 * password the service connects to NATS with and the password of its system-account
 * user (for kicking connections on sign-out), each in a file only its owner can
 * read, and returns the matching {@code auth_callout} block for nats-server.conf.
 * Existing files are kept, so running it twice never rotates keys by accident.
 */
public final class KeysInit {
    public static final String ISSUER_FILE = "issuer.nk";
    public static final String XKEY_FILE = "xkey.xk";
    public static final String PASSWORD_FILE = "nats-password";
    /** For the system-account user that kicks a signed-out person's connections. */
    public static final String SYSTEM_PASSWORD_FILE = "sys-password";

    /** The public halves, for nats-server.conf. */
    public record Made(String issuerPublic, String xkeyPublic, Path dir) {
        public String authCalloutBlock(String user, String account) {
            return """
                    authorization {
                      auth_callout {
                        issuer: %s
                        xkey: %s
                        account: %s
                        auth_users: [ %s ]
                      }
                    }
                    """.formatted(issuerPublic, xkeyPublic, account, user);
        }
    }

    private KeysInit() { }

    public static Made init(Path dir, SecureRandom random) throws IOException {
        Files.createDirectories(dir);
        String issuerSeed = readOrWrite(dir.resolve(ISSUER_FILE), () -> new String(NKey.createAccount(random).getSeed()));
        String xkeySeed = readOrWrite(dir.resolve(XKEY_FILE), () -> XKey.generate(random).seed());
        readOrWrite(dir.resolve(PASSWORD_FILE), () -> password(random));
        readOrWrite(dir.resolve(SYSTEM_PASSWORD_FILE), () -> password(random));
        CalloutKeys keys = CalloutKeys.fromSeeds(issuerSeed, java.util.Optional.of(xkeySeed));
        return new Made(keys.issuerPublic(), keys.xkey().orElseThrow().publicKey(), dir);
    }

    /**
     * Letters first, then hex: nats-server parses a {@code $VARIABLE}'s value as config
     * text, so a value starting with a digit ("5h...") is read as a number and fails.
     */
    public static String password(SecureRandom random) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return "pw" + java.util.HexFormat.of().formatHex(bytes);
    }

    private interface Maker {
        String make() throws Exception;
    }

    private static String readOrWrite(Path file, Maker maker) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String value;
        try {
            value = maker.make();
        } catch (Exception e) {
            throw new IOException("could not make a key for " + file, e);
        }
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return value;
    }
}
