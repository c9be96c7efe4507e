package saml2nats.saml;

import saml2nats.config.Certificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.config.Config;
import saml2nats.config.Durations;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The configured IdPs, built once at start. Certificates come from the entry itself or
 * from its metadata (file or URL). A metadata URL is fetched again on a schedule; a
 * failed refresh keeps the last good copy, logs why and tells the listener (a metric).
 * Each copy of a URL that verified is also kept on disk ({@link MetadataCache}); a URL
 * that is down at start is stood in for by that copy, verified again, with a warning.
 */
public final class IdpRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdpRegistry.class);
    private static final int MAX_METADATA_BYTES = 2 * 1024 * 1024;

    /** Told of each metadata refresh; {@code problem} says why a failed one was not taken (empty when taken). */
    public interface Listener {
        void refreshed(String idp, boolean ok, String problem);
    }

    private final Map<String, IdentityProvider> byId = new LinkedHashMap<>();
    private final OpenSaml saml;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idp-metadata-refresh");
        t.setDaemon(true);
        return t;
    });
    private final Listener listener;
    private final Map<java.nio.file.Path, MetadataCache> caches = new java.util.concurrent.ConcurrentHashMap<>();

    public IdpRegistry(OpenSaml saml, List<Config.Idp> idps, Listener listener) {
        this.saml = saml;
        this.listener = listener;
        List<String> problems = new ArrayList<>();
        for (Config.Idp c : idps) {
            try {
                IdentityProvider idp = new IdentityProvider(c.id(), c.label(), c.domains(), c.accounts(), load(c, true));
                byId.put(c.id(), idp);
                c.metadataUrl().ifPresent(url -> refresher.scheduleWithFixedDelay(() -> refresh(c, idp),
                        c.metadataRefresh().toMillis(), c.metadataRefresh().toMillis(), TimeUnit.MILLISECONDS));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            } catch (IOException e) { // only a metadata_file can fail to read here: a URL falls back to its copy
                problems.add("idps[" + c.id() + "].metadata_file: cannot be read (" + why(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add("idps[" + c.id() + "]: interrupted while fetching its metadata");
            }
        }
        if (!problems.isEmpty()) {
            refresher.shutdownNow();
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** Adds a built-in IdP (the development sign-in). */
    public void add(IdentityProvider idp) {
        byId.put(idp.id(), idp);
    }

    public Optional<IdentityProvider> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public List<IdentityProvider> all() {
        return List.copyOf(byId.values());
    }

    /** The IdP whose {@code domains} include the email's domain. */
    public Optional<IdentityProvider> forEmail(String email) {
        int at = email.lastIndexOf('@');
        String domain = (at >= 0 ? email.substring(at + 1) : email).trim().toLowerCase(Locale.ROOT);
        return byId.values().stream().filter(i -> i.domains().contains(domain)).findFirst();
    }

    /**
     * @param atStart whether a metadata URL that cannot be fetched may be stood in for by its cached
     *                copy (at start, where the alternative is not starting; a refresh keeps what it has)
     */
    private IdentityProvider.Trust load(Config.Idp c, boolean atStart) throws IOException, InterruptedException {
        String owner = "idps[" + c.id() + "]";
        Optional<IdpMetadata> md = Optional.empty();
        Optional<X509Certificate> signer = c.metadataSigningCertificate()
                .map(text -> Certificates.parse(text, owner + ".metadata_signing_certificate"));
        Optional<String> fetched = Optional.empty();
        if (c.metadataFile().isPresent()) {
            md = Optional.of(IdpMetadata.parse(saml, Files.readString(c.metadataFile().get()), owner + ".metadata_file",
                    signer, Instant.now()));
        } else if (c.metadataUrl().isPresent()) {
            URI url = c.metadataUrl().get();
            try {
                fetched = Optional.of(download(url));
                md = Optional.of(IdpMetadata.parse(saml, fetched.get(), owner + ".metadata_url", signer, Instant.now()));
            } catch (IOException down) {
                if (!atStart) {
                    throw new IOException(url + " cannot be fetched (" + why(down) + ")");
                }
                md = Optional.of(fromCache(c, owner, url, signer, down));
            }
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (String text : c.certificates()) {
            certs.add(Certificates.parse(text, owner + ".certificates"));
        }
        if (certs.isEmpty()) {
            certs.addAll(md.map(IdpMetadata::signingCertificates).orElse(List.of()));
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(owner + ": no signing certificate in its config or metadata");
        }
        String entityId = !c.entityId().isEmpty() ? c.entityId() : md.map(IdpMetadata::entityId).orElse("");
        Endpoints sso = !c.ssoUrl().isEmpty() ? Endpoints.redirectOnly(c.ssoUrl()) : md.map(IdpMetadata::sso).orElse(Endpoints.NONE);
        Endpoints slo = !c.sloUrl().isEmpty() ? Endpoints.redirectOnly(c.sloUrl()) : md.map(IdpMetadata::slo).orElse(Endpoints.NONE);
        if (entityId.isEmpty() || sso.isEmpty()) {
            throw new IllegalArgumentException(owner + ": no entity ID, or no SSO URL for HTTP-Redirect or HTTP-POST, "
                    + "in its config or metadata");
        }
        IdpSettings settings = new IdpSettings(c.id(), entityId, certs, attributeNames(c), c.allowSha1(),
                c.allowIdpInitiated(), c.clockSkew());
        // only a copy that verified and made a usable IdP is worth starting from later
        fetched.ifPresent(xml -> cache(c).write(c.id(), c.metadataUrl().get(), xml));
        return new IdentityProvider.Trust(settings, sso, slo);
    }

    /** The cached copy of a metadata URL that is down, verified as a fresh fetch would be; or why there is none. */
    private IdpMetadata fromCache(Config.Idp c, String owner, URI url, Optional<X509Certificate> signer, IOException down) {
        MetadataCache cache = cache(c);
        MetadataCache.Copy copy = cache.read(c.id(), url).orElseThrow(() -> new IllegalArgumentException(owner
                + ".metadata_url: " + url + " cannot be fetched (" + why(down) + "), and no copy of it is cached in "
                + cache.dir() + " (metadata_cache_dir) to start from; check that the IdP is reachable from here"));
        IdpMetadata md = IdpMetadata.parse(saml, copy.xml(), owner + ".metadata_url (the cached copy " + copy.file()
                + ", as " + url + " cannot be fetched: " + why(down) + ")", signer, Instant.now());
        log.warn("IdP '{}': metadata_url {} cannot be fetched ({}); starting from the cached copy {}, written {} ago. "
                        + "It is fetched again every {}", c.id(), url, why(down), copy.file(),
                Durations.format(age(copy.written())),
                Durations.format(c.metadataRefresh()));
        return md;
    }

    /** How long ago, to the minute once it is a minute or more (the seconds of an hour-old copy say nothing). */
    private static Duration age(Instant written) {
        Duration age = Duration.between(written, Instant.now()).withNanos(0);
        return age.toMinutes() >= 1 ? age.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) : age;
    }

    private MetadataCache cache(Config.Idp c) {
        return caches.computeIfAbsent(c.metadataCacheDir(), MetadataCache::new);
    }

    /** The exception's own words, or its cause's: a refused connection says nothing itself. */
    static String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t == e && t.getClass() == IOException.class ? t.getMessage()
                        : t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private String download(URI url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("it answered HTTP " + r.statusCode());
        }
        if (r.body().length > MAX_METADATA_BYTES) {
            throw new IOException("it sent more than " + MAX_METADATA_BYTES + " bytes");
        }
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs on the schedule; any failure keeps the current trust. */
    void refresh(Config.Idp c, IdentityProvider idp) {
        try {
            idp.replace(load(c, false));
            listener.refreshed(c.id(), true, "");
            log.debug("metadata of IdP '{}' refreshed", c.id());
        } catch (Exception e) {
            listener.refreshed(c.id(), false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            log.warn("metadata refresh of IdP '{}' failed ({}); keeping the last good copy", c.id(), e.getMessage());
        }
    }

    /** Refreshes every metadata URL now (tests, and an admin's reload). */
    public void refreshNow(List<Config.Idp> idps) {
        for (Config.Idp c : idps) {
            if (c.metadataUrl().isPresent() && byId.containsKey(c.id())) {
                refresh(c, byId.get(c.id()));
            }
        }
    }

    static AttributeNames attributeNames(Config.Idp c) {
        AttributeNames d = AttributeNames.DEFAULTS;
        Map<String, List<String>> a = c.attributes();
        return new AttributeNames(one(a, "email", c.kind().emailAttribute), one(a, "username", c.kind().usernameAttribute),
                a.getOrDefault("display_name", d.displayName()), a.getOrDefault("given_name", d.givenName()),
                a.getOrDefault("family_name", d.familyName()), one(a, "groups", c.kind().groupsAttribute));
    }

    /** The one attribute configured for a field (the loader allows no more), or the IdP kind's. */
    private static String one(Map<String, List<String>> configured, String field, String byKind) {
        return configured.getOrDefault(field, List.of()).stream().findFirst().orElse(byKind);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
