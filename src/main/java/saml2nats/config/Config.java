package saml2nats.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service configuration, immutable and validated at load ({@link ConfigLoader}): each
 * record copies the collections it is given, so nothing a consumer holds can change it.
 * Paths in the file are relative to the file's own directory; every path here is already resolved
 * against it, so no consumer depends on the working directory.
 *
 * @param auditLog the audit log file; empty for stdout ({@code audit_log: "-"})
 */
public record Config(URI publicUrl, String httpHost, int httpPort, Nats nats, Callout callout, Set<String> accounts,
                     Path policyFile, Duration policyPoll, Sessions sessions, List<Idp> idps, boolean devIdp,
                     Optional<Path> auditLog, Sp sp, List<String> allowedReturnUrls, List<AddressRange> trustedProxies,
                     Optional<Secret> adminToken, Optional<Operator> operator, Store store, List<Scim> scim,
                     Admins admins) {

    /**
     * Who may use the admin page ({@code admin:}): a person signed in through one of {@code idps}
     * (every configured IdP when empty) holding one of {@code groups}. No groups: no admin page.
     */
    public record Admins(List<String> groups, List<String> idps) {
        public static final Admins NONE = new Admins(List.of(), List.of());

        public Admins {
            groups = List.copyOf(groups);
            idps = List.copyOf(idps);
        }

        public boolean enabled() {
            return !groups.isEmpty();
        }
    }

    /**
     * Where sessions live: this process ({@code embedded}) or JetStream KV shared by every
     * replica ({@code nats-kv}, buckets named {@code <bucketPrefix>-sessions}, ... with
     * {@code replicas} copies in a cluster).
     */
    public record Store(Kind kind, String bucketPrefix, int replicas) {
        public enum Kind { EMBEDDED, NATS_KV }

        public static final Store EMBEDDED = new Store(Kind.EMBEDDED, "saml2nats", 1);
    }

    /**
     * SCIM 2.0 provisioning from one IdP ({@code /scim/v2}): the IdP's bearer token, kept only
     * as its SHA-256, and which attribute of a signed-in person the SCIM {@code userName}
     * (or, for {@code email}, the primary e-mail) names.
     *
     * @param idp         the id of the IdP entry whose people this client provisions
     * @param tokenSha256 SHA-256 of the bearer token (from {@code token_file}, or {@code token_sha256})
     */
    public record Scim(String idp, byte[] tokenSha256, Match match) {
        public enum Match {
            EMAIL("email"), NAMEID("nameid"), USERNAME("username");

            private final String configName;

            Match(String configName) {
                this.configName = configName;
            }

            public String configName() {
                return configName;
            }
        }

        public Scim {
            tokenSha256 = tokenSha256.clone();
        }

        @Override
        public byte[] tokenSha256() {
            return tokenSha256.clone();
        }

        @Override
        public String toString() {
            return "Scim[idp=" + idp + ", match=" + match + "]"; // never the token's hash
        }
    }

    public static final int DEFAULT_HTTP_PORT = 8080;
    /** The id of the development IdP of {@code dev_idp: true}, which scim: may name too (to try provisioning locally). */
    public static final String DEV_IDP = "dev";
    /** Every interface; with the dev IdP on, {@link #LOOPBACK} instead (anyone who reaches it signs in as a test person). */
    public static final String ANY_INTERFACE = "0.0.0.0";
    public static final String LOOPBACK = "127.0.0.1";
    public static final String DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
    public static final String DEFAULT_QUEUE_GROUP = "saml2nats";
    public static final int DEFAULT_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_MAX_PENDING = 2048;
    /** Well inside nats-server's default 2 s auth timeout, so an answer is never later than the server waits. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(750);
    public static final long DEFAULT_MAX_SESSIONS = 1_000_000;
    public static final Duration DEFAULT_SESSION_LENGTH = Duration.ofHours(8);
    public static final Duration DEFAULT_POLICY_POLL = Duration.ofSeconds(1);

    /**
     * How the service itself connects to NATS: as a user in the callout account, listed in
     * {@code auth_users}; and, to kick the connections of ended sessions, as a system-account user.
     */
    public record Nats(String url, String user, Optional<Secret> password, Optional<String> systemUser,
                       Optional<Secret> systemPassword, Optional<Path> credsFile, Optional<Path> systemCredsFile) {
        /** Whether the service can kick connections (a system user, by password or creds). */
        public boolean hasSystemAccess() {
            return systemUser.isPresent() || systemCredsFile.isPresent();
        }
    }

    /**
     * Operator (decentralized JWT) mode: the target accounts by the names the mapping file
     * uses, each with its public key and the signing keys the service holds (the first
     * signs; list a new one first to rotate, then drop the old one), and the sentinel
     * creds clients connect with so their token reaches the callout.
     */
    /**
     * @param operatorSeed the operator's seed, or one of its signing keys' ({@code SO...}): with it the service
     *                     issues key-bound creds and revokes them by re-signing the target account's JWT with the
     *                     user key in its {@code revocations}, pushed to the servers; without it no creds are issued
     */
    public record Operator(Map<String, OperatorAccount> accounts, Optional<Path> sentinelCreds, Optional<Secret> operatorSeed) {
        public Operator {
            // in the file's order, so that messages and logs list the accounts as the admin wrote them
            accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
        }

        public Operator(Map<String, OperatorAccount> accounts, Optional<Path> sentinelCreds) {
            this(accounts, sentinelCreds, Optional.empty());
        }
    }

    public record OperatorAccount(String publicKey, List<Secret> signingKeys) {
        public OperatorAccount {
            signingKeys = List.copyOf(signingKeys);
        }
    }

    public record Callout(Secret issuerSeed, Optional<Secret> xkeySeed, Set<String> allowedServers,
                          String queueGroup, int workers, int maxPending, Duration maxWait) {
        public Callout {
            allowedServers = Set.copyOf(allowedServers);
        }
    }

    /**
     * @param jwtJitterPercent each user JWT expires up to this share of its lifetime early (never later
     *                         than the session's end), so clients that connected together do not all
     *                         reconnect in the same second
     */
    public record Sessions(long max, Duration length, int jwtJitterPercent) {
        public static final int DEFAULT_JWT_JITTER_PERCENT = 10;
        public static final int MAX_JWT_JITTER_PERCENT = 50;
    }

    /**
     * An identity provider entry. Either {@code entityId}, {@code ssoUrl} and
     * {@code certificates} are given, or a metadata file or URL they are read from.
     *
     * @param accounts     the only accounts people from this IdP may ever be granted; empty = any
     * @param certificates each a PEM file path, PEM text, PEM with \n escapes, or one-line base64
     * @param attributes   overrides of the attribute names per field (email, username, display_name,
     *                     given_name, family_name, groups)
     * @param domains      email domains routed to this IdP from the sign-in page
     * @param kind         which product it is; picks the attribute that carries groups unless {@code attributes.groups} does
     * @param metadataSigningCertificate when set, metadata (file or URL) must carry a valid signature by it
     * @param metadataCacheDir the top-level {@code metadata_cache_dir}: where the last good copy of a
     *                         {@code metadata_url} is kept, to start from when the URL is down
     * @param spEntityId this service's entity ID towards this IdP; empty: {@code {public_url}/saml/{id}/metadata}
     * @param acsPath    the path under public_url this IdP posts Responses to; empty: {@code /saml/{id}/acs}
     */
    public record Idp(String id, String label, Set<String> accounts, String entityId, String ssoUrl, String sloUrl,
                      List<String> certificates, Optional<Path> metadataFile, Optional<URI> metadataUrl,
                      Duration metadataRefresh, Map<String, List<String>> attributes, List<String> domains,
                      boolean allowIdpInitiated, boolean allowSha1, Duration clockSkew, IdpKind kind,
                      Optional<String> metadataSigningCertificate, Path metadataCacheDir, Optional<String> spEntityId,
                      Optional<String> acsPath) {
        public static final Duration DEFAULT_METADATA_REFRESH = Duration.ofHours(1);
        /** {@code metadata_cache_dir} when unset: this folder beside the config file. */
        public static final String DEFAULT_METADATA_CACHE_DIR = "metadata-cache";
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

        public Idp {
            accounts = Set.copyOf(accounts);
            certificates = List.copyOf(certificates);
            Map<String, List<String>> names = new LinkedHashMap<>();
            attributes.forEach((field, list) -> names.put(field, List.copyOf(list)));
            attributes = Collections.unmodifiableMap(names);
            domains = List.copyOf(domains);
        }
    }

    /**
     * This service's own SAML keys, all optional: with a signing key AuthnRequests are
     * signed; with a decryption key encrypted assertions can be read.
     */
    public record Sp(Optional<Path> signingKey, Optional<Path> signingCertificate,
                     Optional<Path> decryptionKey, Optional<Path> decryptionCertificate) {
        public static final Sp NONE = new Sp(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Config {
        accounts = Set.copyOf(accounts);
        idps = List.copyOf(idps);
        allowedReturnUrls = List.copyOf(allowedReturnUrls);
        trustedProxies = List.copyOf(trustedProxies);
        scim = List.copyOf(scim);
    }
}
