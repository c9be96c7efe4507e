package saml2nats.web;

import saml2nats.session.Ending;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.saml.Binding;
import saml2nats.saml.IdentityProvider;
import saml2nats.saml.IdpLogout;
import saml2nats.saml.IdpRegistry;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.Outbound;
import saml2nats.saml.RequestLedger;
import saml2nats.saml.SamlError;
import saml2nats.saml.ServiceProvider;
import saml2nats.saml.SoapBinding;
import saml2nats.session.SessionStore;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Single logout at {@code /saml/{idp}/slo}, by either browser binding, and at
 * {@code /saml/{idp}/slo/soap} by the IdP's SOAP back channel: the IdP's LogoutRequest ends
 * that person's sessions here and is answered with a LogoutResponse; the IdP's LogoutResponse
 * to a sign-out of ours (the session already ended here) leads to the signed-out page. The
 * IdP posts cross-site, so no cookie of this service comes with it and none is needed: the
 * request names the person, and its signature and the other checks say it is the IdP's.
 * No Javalin types: the routes turn its outcomes into responses.
 */
final class SingleLogout {
    /** How it ended. */
    sealed interface Outcome {
        /** Send the browser on: the LogoutResponse to the IdP, or the signed-out page. */
        record Go(Outbound to) implements Outcome { }

        /** Refused: the IdP's message failed the check {@code code} names (also the audit reason). */
        record Refused(SamlError code, String reason) implements Outcome { }
    }

    private static final Outcome SIGNED_OUT = new Outcome.Go(new Outbound.Redirect("/"));

    private final IdpRegistry idps;
    private final ServiceProvider sp;
    private final OpenSaml saml;
    private final SessionStore sessions;
    private final RequestLedger ledger;
    private final AuditLog audit;
    private final Clock clock;

    SingleLogout(IdpRegistry idps, ServiceProvider sp, OpenSaml saml, SessionStore sessions, RequestLedger ledger,
                 AuditLog audit, Clock clock) {
        this.idps = idps;
        this.sp = sp;
        this.saml = saml;
        this.sessions = sessions;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
    }

    /** HTTP-Redirect: {@code rawQuery} exactly as it came (its signature is over it). */
    Outcome redirected(String idpId, String rawQuery, boolean isRequest) {
        return throughBrowser(idpId, isRequest, Binding.REDIRECT, idp ->
                IdpLogout.read(saml, rawQuery, idp, sp.sloUrl(idp.id()), clock.instant(), ledger));
    }

    /** HTTP-POST: the posted SAMLRequest, when one was posted (else a LogoutResponse, or nothing). */
    Outcome posted(String idpId, Optional<String> samlRequest) {
        return throughBrowser(idpId, samlRequest.isPresent(), Binding.POST, idp ->
                IdpLogout.readPosted(saml, samlRequest.orElseThrow(), idp, sp.sloUrl(idp.id()), clock.instant(), ledger));
    }

    /** The answer on the SOAP back channel: an HTTP status and a SOAP envelope (the LogoutResponse, or a fault). */
    record SoapAnswer(int status, String envelope) { }

    /**
     * The SOAP back channel: {@code envelope} as the IdP posted it, server to server (Keycloak when
     * an admin or the person ends their IdP session). A refusal is a SOAP fault, so the IdP reports
     * this service as not logged out rather than believing a Success it was never given.
     */
    SoapAnswer soap(String idpId, String envelope) {
        Optional<IdentityProvider> idp = idps.find(idpId);
        if (idp.isEmpty()) {
            return new SoapAnswer(404, SoapBinding.fault("no IdP '" + idpId + "' is configured at this service"));
        }
        try {
            IdpLogout request = carryOut(idp.get(), "SOAP back channel", i ->
                    IdpLogout.readSoap(saml, envelope, i, sp.soapSloUrl(i.id()), clock.instant(), ledger));
            return new SoapAnswer(200, sp.soapLogoutResponse(idp.get(), request.requestId(), clock.instant()));
        } catch (IdpLogout.Refused e) {
            return new SoapAnswer(500, SoapBinding.fault("logout request refused (" + e.code() + "): " + e.getMessage()));
        }
    }

    private interface Reader {
        IdpLogout read(IdentityProvider idp) throws IdpLogout.Refused;
    }

    private Outcome throughBrowser(String idpId, boolean isRequest, Binding came, Reader reader) {
        Optional<IdentityProvider> idp = idps.find(idpId);
        if (idp.isEmpty() || !isRequest) {
            return SIGNED_OUT;
        }
        try {
            IdpLogout request = carryOut(idp.get(), came.toString(), reader);
            return sp.logoutResponse(idp.get(), request.requestId(), came, clock.instant())
                    .<Outcome>map(Outcome.Go::new).orElse(SIGNED_OUT);
        } catch (IdpLogout.Refused e) {
            return new Outcome.Refused(e.code(), e.getMessage());
        }
    }

    /** Every binding alike: read and check the request, end the person's sessions here (which kicks), audit either way. */
    private IdpLogout carryOut(IdentityProvider idp, String came, Reader reader) throws IdpLogout.Refused {
        try {
            IdpLogout request = reader.read(idp);
            int ended = sessions.endAll(idp.id(), request.nameId(), new Ending(Ending.Cause.IDP_LOGOUT, "idp " + idp.id()));
            audit.record(AuditEvent.sessionsEnded(clock.instant(),
                    "single logout from the IdP (" + came + "), " + ended + " session(s)",
                    new AuditEvent.Person(request.nameId(), "", idp.id())));
            return request;
        } catch (IdpLogout.Refused e) {
            audit.record(AuditEvent.signOutRefused(clock.instant(), e.code(),
                    "single logout from the IdP (" + came + ") refused: " + e.getMessage(), AuditEvent.Person.unknown(idp.id())));
            throw e;
        }
    }
}
