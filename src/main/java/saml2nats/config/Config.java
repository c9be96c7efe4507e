package saml2nats.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The service configuration, immutable and validated at load ({@link ConfigLoader}).
 * Paths in the file are relative to the file's own directory.
 */
public record Config(URI publicUrl, int httpPort, Nats nats, Callout callout, Set<String> accounts,
                     Path policyFile, Duration policyPoll, Sessions sessions, List<Idp> idps, boolean devIdp,
                     String auditLog) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
    public static final String DEFAULT_QUEUE_GROUP = "saml2nats";
    public static final int DEFAULT_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_MAX_PENDING = 2048;
    public static final long DEFAULT_MAX_SESSIONS = 1_000_000;
    public static final Duration DEFAULT_SESSION_LENGTH = Duration.ofHours(8);
    public static final Duration DEFAULT_POLICY_POLL = Duration.ofSeconds(1);

    /** How the service itself connects to NATS: as a user in the callout account, listed in {@code auth_users}. */
    public record Nats(String url, String user, Optional<Secret> password) { }

    public record Callout(Secret issuerSeed, Optional<Secret> xkeySeed, Set<String> allowedServers,
                          String queueGroup, int workers, int maxPending) { }

    public record Sessions(long max, Duration length) { }

    /**
     * An identity provider entry.
     *
     * @param accounts the only accounts people from this IdP may ever be granted; empty = any
     */
    public record Idp(String id, String label, Set<String> accounts) { }

    public Config {
        accounts = Set.copyOf(accounts);
        idps = List.copyOf(idps);
    }
}
