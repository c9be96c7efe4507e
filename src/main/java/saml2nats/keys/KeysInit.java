package saml2nats.keys;

import io.nats.client.NKey;
import saml2nats.callout.CalloutKeys;
import saml2nats.callout.XKey;

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
 * read, and returns the matching nats-server.conf and saml2nats.yaml parts.
 * Existing files are kept, so running it twice never rotates keys by accident.
 */
public final class KeysInit {
    public static final String ISSUER_FILE = "issuer.nk";
    public static final String XKEY_FILE = "xkey.xk";
    public static final String PASSWORD_FILE = "nats-password";
    /** For the system-account user that kicks a signed-out person's connections. */
    public static final String SYSTEM_PASSWORD_FILE = "sys-password";

    /** The service user (in the callout account) and the system user (for kicks), as the printed blocks name them. */
    public static final String SERVICE_USER = "saml2nats";
    public static final String SYSTEM_USER = "sys";
    public static final String CALLOUT_ACCOUNT = "AUTH";
    /** Marks where the printed nats-server.conf part and the saml2nats.yaml part begin. */
    public static final String SERVER_PART = "# ---- nats-server.conf ----";
    public static final String SERVICE_PART = "# ---- saml2nats.yaml ----";

    /**
     * The public halves, and bcrypt hashes of the two passwords for nats-server.conf (the
     * server compares bcrypt; the plain passwords stay in their files, read by the service).
     */
    public record Made(String issuerPublic, String xkeyPublic, Path dir, String servicePasswordHash,
                       String systemPasswordHash) {

        /**
         * A whole config-mode setup. The system user is listed in {@code auth_users}: a
         * system user that went through the callout would be refused (the callout places
         * people in target accounts only) and the service could not kick on sign-out.
         */
        public String setup(java.util.List<String> accounts) {
            Path abs = dir.toAbsolutePath();
            StringBuilder targets = new StringBuilder();
            accounts.forEach(a -> targets.append("  ").append(a).append(" {}\n"));
            return SERVER_PART + "\n" + """
                    # merge with your own accounts; the passwords are bcrypt hashes of %s and %s
                    accounts {
                      %s { users: [ { user: %s, password: "%s" } ] }
                      SYS { users: [ { user: %s, password: "%s" } ] }
                    %s}
                    system_account: SYS
                    authorization {
                      auth_callout {
                        issuer: %s
                        xkey: %s
                        account: %s
                        auth_users: [ %s, %s ]
                      }
                    }
                    """.formatted(abs.resolve(PASSWORD_FILE), abs.resolve(SYSTEM_PASSWORD_FILE),
                    CALLOUT_ACCOUNT, SERVICE_USER, servicePasswordHash, SYSTEM_USER, systemPasswordHash, targets,
                    issuerPublic, xkeyPublic, CALLOUT_ACCOUNT, SERVICE_USER, SYSTEM_USER)
                    + SERVICE_PART + "\n" + """
                    accounts: [ %s ]
                    nats:
                      user: %s
                      password_file: %s
                      system_user: %s
                      system_password_file: %s
                    callout:
                      issuer_seed_file: %s
                      xkey_seed_file: %s
                    """.formatted(String.join(", ", accounts), SERVICE_USER, abs.resolve(PASSWORD_FILE), SYSTEM_USER,
                    abs.resolve(SYSTEM_PASSWORD_FILE), abs.resolve(ISSUER_FILE), abs.resolve(XKEY_FILE));
        }
    }

    private KeysInit() { }

    public static Made init(Path dir, SecureRandom random) throws IOException {
        Files.createDirectories(dir);
        String issuerSeed = readOrWrite(dir.resolve(ISSUER_FILE), () -> new String(NKey.createAccount(random).getSeed()));
        String xkeySeed = readOrWrite(dir.resolve(XKEY_FILE), () -> XKey.generate(random).seed());
        String password = readOrWrite(dir.resolve(PASSWORD_FILE), () -> password(random));
        String systemPassword = readOrWrite(dir.resolve(SYSTEM_PASSWORD_FILE), () -> password(random));
        CalloutKeys keys = CalloutKeys.fromSeeds(issuerSeed, java.util.Optional.of(xkeySeed));
        return new Made(keys.issuerPublic(), keys.xkey().orElseThrow().publicKey(), dir,
                bcrypt(password, random), bcrypt(systemPassword, random));
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

    /** nats-server takes {@code $2a$} hashes (server/auth.go, validBcryptPrefix); cost 11 as its own tool uses. */
    static String bcrypt(String password, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 11);
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
