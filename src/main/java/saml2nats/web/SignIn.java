package saml2nats.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.config.Durations;
import saml2nats.scim.Provisioning;
import saml2nats.saml.BrowserBinding;
import saml2nats.saml.RequestLedger;
import saml2nats.saml.IdentityProvider;
import saml2nats.saml.IdpHealth;
import saml2nats.saml.IdpRegistry;
import saml2nats.saml.Outbound;
import saml2nats.saml.ResponseValidator;
import saml2nats.saml.SamlError;
import saml2nats.saml.ServiceProvider;
import saml2nats.saml.Step;
import saml2nats.saml.Validation;
import saml2nats.policy.Decision;
import saml2nats.policy.PolicySource;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sign-in protocol between the browser, the IdP and the session store:
 * {@code start} sends the browser to the IdP, {@code finish} checks what it brought
 * back. No Javalin types: the routes turn its outcomes into responses.
 */
final class SignIn {

    /** How a sign-in ended. */
    sealed interface Outcome {
        /**
         * Send the browser on ({@code to}: a redirect, or a form it posts to the IdP), setting the
         * session cookie when a session was made and (renewing) the pre-auth cookie's secret when a
         * sign-in was started.
         */
        record Go(Outbound to, Optional<String> cookie, Optional<String> signInSecret) implements Outcome { }

        /**
         * Refused: {@code code} is a {@link SignInError}, or the {@link SamlError} of the first check the
         * IdP's Response failed ({@code steps} then holds every check).
         */
        record Refused(int status, Enum<?> code, String title, String reason, List<Step> steps) implements Outcome {
            static Refused of(SignInError code, String reason) {
                return new Refused(code.status, code, code.title, reason, List.of());
            }
        }
    }

    private final IdpRegistry idps;
    private final ServiceProvider sp;
    private final ResponseValidator validator;
    private final RequestLedger ledger;
    private final SessionStore sessions;
    private final Provisioning provisioning;
    private final BrowserSessions browsers;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration sessionLength;
    private final ReturnUrls returnUrls;
    private final MeterRegistry metrics;
    private final AddressLimit starts;
    private final PolicySource policy;
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private final IdpHealth health;

    /** @param starts how many sign-ins one client address may start (each is a pending request kept 10 minutes) */
    SignIn(IdpRegistry idps, ServiceProvider sp, ResponseValidator validator, RequestLedger ledger,
           SessionStore sessions, BrowserSessions browsers, AuditLog audit, Clock clock, Duration sessionLength,
           ReturnUrls returnUrls, MeterRegistry metrics, AddressLimit starts, PolicySource policy,
           Provisioning provisioning, IdpHealth health) {
        this.health = health;
        this.policy = policy;
        this.provisioning = provisioning;
        this.metrics = metrics;
        this.starts = starts;
        this.idps = idps;
        this.sp = sp;
        this.validator = validator;
        this.ledger = ledger;
        this.sessions = sessions;
        this.browsers = browsers;
        this.audit = audit;
        this.clock = clock;
        this.sessionLength = sessionLength;
        this.returnUrls = returnUrls;
    }

    /** Where a sign-in may return to: this service's paths or an allowed URL. */
    Optional<String> returnTo(String url) {
        return returnUrls.check(url);
    }

    /**
     * The IdP URL to send the browser to, the request remembered with this browser's secret
     * (the one its pre-auth cookie holds, or a new one); or a refusal for an unknown IdP, a
     * foreign return URL, or an address that started too many.
     */
    Outcome start(String idpId, String returnUrl, Optional<String> browserSecret, String clientAddress) {
        Optional<IdentityProvider> idp = idps.find(idpId);
        if (idp.isEmpty()) {
            return Outcome.Refused.of(SignInError.UNKNOWN_IDP,
                    "There is no identity provider '" + idpId + "' here. Go back to the sign-in page and pick one.");
        }
        Optional<String> back = returnUrls.check(returnUrl);
        if (back.isEmpty()) {
            return Outcome.Refused.of(SignInError.RETURN_URL_NOT_ALLOWED,
                    "After sign-in this service only sends you back to its own pages or to addresses listed in "
                            + "allowed_return_urls; " + returnUrl + " is neither.");
        }
        if (!starts.allow(clientAddress)) {
            Counter.builder("saml2nats.signin.starts.refused").description("sign-ins refused at the start: too many from one address")
                    .register(metrics).increment();
            return Outcome.Refused.of(SignInError.TOO_MANY_SIGN_INS,
                    "More than " + starts.max() + " sign-ins were started from your address within "
                            + Durations.format(starts.window()) + ". Wait a minute, then sign in again.");
        }
        String secret = browserSecret.filter(BrowserBinding::isSecret).orElseGet(() -> BrowserBinding.newSecret(random));
        ServiceProvider.Outgoing out = sp.authnRequest(idp.get(), back.get(), clock.instant());
        ledger.sent(idpId, out.id(), clock.instant().plus(RequestLedger.REQUEST_LIFETIME), BrowserBinding.ofSecret(secret));
        return new Outcome.Go(out.to(), Optional.empty(), Optional.of(secret));
    }

    /** @param origin where the browser posted from, kept for the person's list of their sessions */
    Outcome finish(String idpId, String samlResponse, String relayState, BrowserBinding browser, Session.Origin origin) {
        Optional<IdentityProvider> idp = idps.find(idpId);
        if (idp.isEmpty()) {
            return Outcome.Refused.of(SignInError.UNKNOWN_IDP, "There is no identity provider '" + idpId + "' here.");
        }
        Validation v = validator.validate(samlResponse, idp.get().trust().settings(), sp.settings(idpId), ledger, browser, true);
        if (!v.accepted()) {
            Step first = v.firstFailure().orElseThrow();
            refused(idpId, v, first.code(), first.message());
            return new Outcome.Refused(status(first.code()), first.code(), title(first.code()), first.message(), v.steps());
        }
        Identity who = v.identity().orElseThrow();
        if (provisioning.deactivated(who)) {
            // the IdP still signs an assertion for a person its provisioning deactivated (Okta's app
            // assignment outlives a suspension until its next push): the directory decides
            String why = "Your account is deactivated at " + idp.get().label() + " (its provisioning told this service). "
                    + "Ask your administrator to reactivate it; until then you cannot sign in to NATS.";
            refused(idpId, v, SignInError.DEACTIVATED, why);
            return new Outcome.Refused(SignInError.DEACTIVATED.status, SignInError.DEACTIVATED,
                    SignInError.DEACTIVATED.title, why, List.of());
        }
        // never longer than the IdP's own session (SessionNotOnOrAfter)
        Duration length = v.idpSessionEnds().map(end -> Duration.between(clock.instant(), end))
                .filter(left -> left.compareTo(sessionLength) < 0).orElse(sessionLength);
        if (length.isNegative() || length.isZero()) { // ended since the validator looked: no session at all
            refused(idpId, v, SamlError.EXPIRED, "the IdP's session ended");
            return new Outcome.Refused(400, SamlError.EXPIRED, title(SamlError.EXPIRED),
                    "Your session at the identity provider has just ended. Sign in again.", v.steps());
        }
        SessionStore.Created created = sessions.create(who, length, origin);
        // signed in, and what it yields on NATS: an auditor must see a sign-in that grants nothing as such
        Decision decision = policy.current().decide(who);
        AuditEvent.Person person = person(idpId, v);
        health.signedIn(idpId);
        if (decision instanceof Decision.Allow allow) {
            count(idpId, AuditEvent.Outcome.ALLOW, AuditEvent.OK);
            audit.record(AuditEvent.signedIn(clock.instant(), created.session().id(), person, allow.grant().roles(),
                    allow.grant().account(), created.session().expires()));
        } else {
            Decision.Deny deny = (Decision.Deny) decision;
            count(idpId, AuditEvent.Outcome.ALLOW, AuditEvent.NO_GRANT);
            audit.record(AuditEvent.signedInWithoutGrant(clock.instant(), deny.code() + ": " + deny.reason(),
                    created.session().id(), person, created.session().expires()));
        }
        String back = returnUrls.check(relayState).orElse("/");
        return new Outcome.Go(new Outbound.Redirect(back), Optional.of(browsers.open(created)), Optional.empty());
    }

    private void refused(String idp, Validation v, Enum<?> code, String detail) {
        count(idp, AuditEvent.Outcome.DENY, code.name());
        health.refused(idp, code, detail);
        audit.record(AuditEvent.signInRefused(clock.instant(), code, detail, person(idp, v)));
    }

    private void count(String idp, AuditEvent.Outcome outcome, String reason) {
        Counter.builder("saml2nats.signins").description("SAML sign-ins by outcome and reason")
                .tag("idp", idp).tag("outcome", outcome.wire()).tag("reason", reason).register(metrics).increment();
    }

    /** Whom the Response named, as far as it was read before any failure. */
    private static AuditEvent.Person person(String idp, Validation v) {
        return new AuditEvent.Person(v.summary().nameId(), v.identity().map(Identity::email).orElse(""), idp);
    }

    /** 403 when the IdP or the content is not trusted; 400 when the message is broken or stale. */
    static int status(SamlError code) {
        return switch (code) {
            case BAD_SIGNATURE, UNSIGNED, SIGNATURE_WRAPPING, WEAK_ALGORITHM, WRONG_ISSUER, WRONG_AUDIENCE,
                    WRONG_DESTINATION, REPLAYED, STATUS_NOT_SUCCESS, GROUPS_OVERAGE, OTHER_BROWSER -> 403;
            default -> 400;
        };
    }

    static String title(SamlError code) {
        return switch (code) {
            case EXPIRED, NOT_YET_VALID -> "The sign-in is outside its time window";
            case REPLAYED, UNKNOWN_REQUEST -> "This sign-in was already used or not started here";
            case OTHER_BROWSER -> "This sign-in was started in another browser";
            case STATUS_NOT_SUCCESS -> "Your identity provider did not sign you in";
            case GROUPS_OVERAGE -> "Too many groups for the assertion";
            case BAD_SIGNATURE, UNSIGNED, SIGNATURE_WRAPPING, WEAK_ALGORITHM -> "The sign-in could not be verified";
            default -> "The sign-in was refused";
        };
    }
}
