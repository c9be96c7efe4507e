package saml2nats.keys;

import io.nats.client.NKey;
import saml2nats.callout.XKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code saml2nats keys init --operator DIR}: everything operator mode needs, made
 * here so the mode can be tried and tested without nsc. An operator; a system account
 * with a user for kicks; the callout account AUTH whose JWT names the service user as
 * auth user, the target accounts as allowed, and the service's xkey; target accounts
 * with one signing key each (the service signs people's JWTs with it); the service,
 * system and sentinel users as creds files; and {@code nats-server-operator.conf} with
 * a full resolver preloaded with the account JWTs.
 *
 * <p>Seeds are kept when they exist (running it twice never rotates a key); JWTs and
 * the server config are written again from them.
 */
public final class OperatorInit {
    public static final String SERVER_CONF = "nats-server-operator.conf";
    public static final String SERVICE_CREDS = "service.creds";
    public static final String SYSTEM_CREDS = "sys.creds";
    public static final String SENTINEL_CREDS = "sentinel.creds";
    public static final String CALLOUT_ACCOUNT = "AUTH";
    public static final String XKEY_FILE = "xkey.xk";

    /** What was made: account public keys by name, and the paths the service config needs. */
    public record Made(Path dir, String operatorPublic, Map<String, String> accounts, Map<String, Path> signingKeys,
                       boolean sealed, boolean defaultSentinel) {
        /** The service config for these keys, to paste into saml2nats.yaml (absolute paths). */
        public String serviceConfig() {
            Path d = dir.toAbsolutePath();
            StringBuilder b = new StringBuilder()
                    .append("nats:\n  url: nats://127.0.0.1:4222\n")
                    .append("  creds_file: ").append(d.resolve(SERVICE_CREDS)).append('\n')
                    .append("  system_creds_file: ").append(d.resolve(SYSTEM_CREDS)).append('\n')
                    .append("callout:\n  issuer_seed_file: ").append(d.resolve(CALLOUT_ACCOUNT + ".nk")).append('\n')
                    .append(sealed ? "  xkey_seed_file: " + d.resolve(XKEY_FILE) + "\n" : "")
                    // with the server's default_sentinel clients need no sentinel creds, so the page offers none
                    .append(defaultSentinel ? "operator:\n" : "operator:\n  sentinel_creds_file: " + d.resolve(SENTINEL_CREDS) + "\n")
                    // explicit: with it the service can re-sign account JWTs (key-bound creds and their revocation)
                    .append("  # operator_seed_file: ").append(d.resolve("operator.nk"))
                    .append("   # key-bound creds (login --creds), revoked through nats-server; see README\n")
                    .append("  accounts:\n");
            signingKeys.forEach((name, key) -> b.append("    ").append(name).append(": { public_key: ")
                    .append(accounts.get(name)).append(", signing_key_files: [").append(key).append("] }\n"));
            return b.toString();
        }
    }

    private OperatorInit() { }

    /**
     * @param targets the accounts people are placed in (besides SYS and AUTH)
     * @param sealed  make (or keep) the service's xkey in DIR and name it in the callout
     *                account's JWT, so nats-server seals requests
     */
    public static Made init(Path dir, List<String> targets, boolean sealed, SecureRandom random) throws Exception {
        return init(dir, targets, sealed, false, random);
    }

    /**
     * @param defaultSentinel write {@code default_sentinel} (the sentinel's bearer JWT) into the
     *                        server config: clients without a JWT connect as the sentinel, so a token
     *                        alone is enough. nats-server 2.11.2 and later; 2.10 refuses the field.
     */
    public static Made init(Path dir, List<String> targets, boolean sealed, boolean defaultSentinel, SecureRandom random)
            throws Exception {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Optional<String> xkey = Optional.empty();
        if (sealed) {
            Path file = dir.resolve(XKEY_FILE);
            if (!Files.exists(file)) {
                write(file, XKey.generate(random).seed() + "\n");
            }
            xkey = Optional.of(XKey.fromSeed(Files.readString(file).trim()).publicKey());
        }
        long iat = System.currentTimeMillis() / 1000;
        NKey operator = seed(dir.resolve("operator.nk"), () -> NKey.createOperator(random));
        NKey sys = seed(dir.resolve("SYS.nk"), () -> NKey.createAccount(random));
        NKey auth = seed(dir.resolve(CALLOUT_ACCOUNT + ".nk"), () -> NKey.createAccount(random));
        NKey serviceUser = seed(dir.resolve("service-user.nk"), () -> NKey.createUser(random));
        NKey sysUser = seed(dir.resolve("sys-user.nk"), () -> NKey.createUser(random));
        NKey sentinel = seed(dir.resolve("sentinel-user.nk"), () -> NKey.createUser(random));

        Map<String, String> accounts = new LinkedHashMap<>();
        Map<String, String> jwts = new LinkedHashMap<>();
        Map<String, Path> signingKeys = new LinkedHashMap<>();
        accounts.put("SYS", pub(sys));
        jwts.put(pub(sys), OperatorJwts.account(operator, "SYS", pub(sys), List.of(), Optional.empty(), iat));
        List<String> allowed = new ArrayList<>();
        for (String name : targets) {
            NKey account = seed(dir.resolve(name + ".nk"), () -> NKey.createAccount(random));
            Path signingFile = dir.resolve(name + "-signing-1.nk");
            NKey signing = seed(signingFile, () -> NKey.createAccount(random));
            accounts.put(name, pub(account));
            signingKeys.put(name, signingFile.toAbsolutePath());
            allowed.add(pub(account));
            jwts.put(pub(account), OperatorJwts.account(operator, name, pub(account), List.of(pub(signing)), Optional.empty(), iat));
        }
        accounts.put(CALLOUT_ACCOUNT, pub(auth));
        jwts.put(pub(auth), OperatorJwts.account(operator, CALLOUT_ACCOUNT, pub(auth), List.of(),
                Optional.of(new OperatorJwts.Authorization(List.of(pub(serviceUser)), allowed, xkey)), iat));
        boolean hasXkey = xkey.isPresent();
        String operatorJwt = OperatorJwts.operator(operator, "saml2nats", pub(sys), iat);
        write(dir.resolve("operator.jwt"), operatorJwt);
        for (var e : accounts.entrySet()) {
            write(dir.resolve(e.getKey() + ".jwt"), jwts.get(e.getValue()));
        }
        write(dir.resolve(SERVICE_CREDS), OperatorJwts.creds(OperatorJwts.user(auth, pub(serviceUser), "saml2nats", false, iat),
                serviceUser.getSeed()));
        write(dir.resolve(SYSTEM_CREDS), OperatorJwts.creds(OperatorJwts.user(sys, pub(sysUser), "saml2nats-sys", false, iat),
                sysUser.getSeed()));
        String sentinelJwt = OperatorJwts.user(auth, pub(sentinel), "sentinel", true, iat);
        write(dir.resolve(SENTINEL_CREDS), OperatorJwts.creds(sentinelJwt, sentinel.getSeed()));

        StringBuilder conf = new StringBuilder("# nats-server in operator mode for saml2nats, made by saml2nats keys init --operator.\n")
                .append("# Accounts: ").append(String.join(", ", accounts.keySet())).append(" (").append(CALLOUT_ACCOUNT)
                .append(" runs the auth callout).\n")
                .append("operator: ").append(operatorJwt).append("\n")
                .append("system_account: ").append(pub(sys)).append("\n")
                .append(defaultSentinel ? "# clients without a JWT connect as the sentinel (a bearer user that may do nothing)\n"
                        + "default_sentinel: " + sentinelJwt + "\n" : "")
                // JetStream for store: nats-kv (the accounts' JWTs allow it)
                .append("jetstream { store_dir: \"").append(dir.toAbsolutePath().resolve("jetstream")).append("\" }\n")
                // the full nats resolver (not MEMORY) takes account JWT updates at run time from a system
                // user ($SYS.REQ.CLAIMS.UPDATE, nsc push), which is how a signing key is added or retired
                .append("resolver: {\n  type: full\n  dir: \"").append(dir.toAbsolutePath().resolve("jwt"))
                .append("\"\n  allow_delete: false\n  interval: \"2m\"\n}\n")
                .append("resolver_preload: {\n");
        jwts.forEach((pub, jwt) -> conf.append("  ").append(pub).append(": ").append(jwt).append("\n"));
        conf.append("}\n");
        write(dir.resolve(SERVER_CONF), conf.toString());
        return new Made(dir, pub(operator), accounts, signingKeys, hasXkey, defaultSentinel);
    }

    private interface Maker {
        NKey make() throws Exception;
    }

    private static NKey seed(Path file, Maker maker) throws Exception {
        if (Files.exists(file)) {
            return NKey.fromSeed(Files.readString(file).trim().toCharArray());
        }
        NKey key = maker.make();
        write(file, new String(key.getSeed()) + "\n");
        return key;
    }

    private static String pub(NKey key) throws Exception {
        return new String(key.getPublicKey());
    }

    /** Owner-only, whole: seeds and creds are secrets, and the JWTs sit beside them. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
