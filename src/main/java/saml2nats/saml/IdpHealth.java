package saml2nats.saml;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each IdP did lately, as this replica saw it: its last sign-in that made a session, its last
 * refused one (when, the code, the reason), its last metadata refresh, and its signing certificates'
 * expiry. The admin page and the metrics read it; it lives in memory, so a restart starts it afresh.
 *
 * <p>A signing certificate's dates are not checked when a Response is verified (SAML trusts the key
 * the config or metadata names, as Shibboleth and Spring Security do with explicit keys), so an
 * expired one keeps working. Its expiry still matters: an IdP rolls its key around then, and sign-ins
 * stop the moment it signs with a key this service was never given.
 */
public final class IdpHealth {
    /** Under this, a certificate's expiry is a warning on the admin page. */
    public static final Duration WARN_BEFORE = Duration.ofDays(30);

    /** A sign-in this IdP's Response did not give: when, the error code, the reason shown to the person. */
    public record Failure(Instant at, String code, String reason) { }

    /** One metadata refresh: when, whether it was taken, and why not. */
    public record Refresh(Instant at, boolean ok, String problem) { }

    /** A signing certificate the IdP is trusted by, as far as the admin needs to see it. */
    public record Certificate(String subject, String serial, Instant notAfter) {
        public Duration left(Instant now) {
            return Duration.between(now, notAfter);
        }

        public boolean expiresSoon(Instant now) {
            return left(now).compareTo(WARN_BEFORE) < 0;
        }
    }

    /**
     * One IdP's status.
     *
     * @param refreshes   whether its metadata comes from a URL, fetched again on a schedule
     * @param lastRefresh the last refresh tried, and {@code lastGoodRefresh} the last one taken
     */
    public record Status(String idp, String label, Optional<Instant> lastSignIn, Optional<Failure> lastFailure,
                         boolean refreshes, Optional<Refresh> lastRefresh, Optional<Instant> lastGoodRefresh,
                         List<Certificate> certificates) {
        /** The soonest expiry among its certificates. */
        public Optional<Instant> firstExpiry() {
            return certificates.stream().map(Certificate::notAfter).min(Instant::compareTo);
        }
    }

    private final Clock clock;
    private final Map<String, Instant> signIns = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshes = new ConcurrentHashMap<>();
    private final Map<String, Instant> goodRefreshes = new ConcurrentHashMap<>();

    public IdpHealth(Clock clock) {
        this.clock = clock;
    }

    /** A Response from {@code idp} made a session. */
    public void signedIn(String idp) {
        signIns.put(idp, clock.instant());
    }

    /** A Response from {@code idp} was refused with {@code code}, for {@code reason}. */
    public void refused(String idp, Enum<?> code, String reason) {
        failures.put(idp, new Failure(clock.instant(), code.name(), reason));
    }

    void refreshed(String idp, boolean ok, String problem) {
        Instant now = clock.instant();
        refreshes.put(idp, new Refresh(now, ok, problem));
        if (ok) {
            goodRefreshes.put(idp, now);
        }
    }

    public Optional<Instant> lastSignIn(String idp) {
        return Optional.ofNullable(signIns.get(idp));
    }

    public Optional<Failure> lastFailure(String idp) {
        return Optional.ofNullable(failures.get(idp));
    }

    public Optional<Instant> lastGoodRefresh(String idp) {
        return Optional.ofNullable(goodRefreshes.get(idp));
    }

    /** This IdP's status now, its certificates as currently trusted (a refresh may have replaced them). */
    public Status of(IdentityProvider idp, boolean refreshesMetadata) {
        List<Certificate> certs = idp.trust().settings().certificates().stream().map(IdpHealth::certificate).toList();
        return new Status(idp.id(), idp.label(), lastSignIn(idp.id()), lastFailure(idp.id()), refreshesMetadata,
                Optional.ofNullable(refreshes.get(idp.id())), lastGoodRefresh(idp.id()), certs);
    }

    private static Certificate certificate(X509Certificate c) {
        return new Certificate(c.getSubjectX500Principal().getName(), c.getSerialNumber().toString(16),
                c.getNotAfter().toInstant());
    }
}
