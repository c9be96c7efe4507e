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
import saml2nats.session.SessionStore;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Single logout at {@code /saml/{idp}/slo}, by either binding: the IdP's LogoutRequest ends
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
        return carryOut(idpId, isRequest, Binding.REDIRECT, idp ->
                IdpLogout.read(saml, rawQuery, idp, sp.sloUrl(idp.id()), clock.instant(), ledger));
    }

    /** HTTP-POST: the posted SAMLRequest, when one was posted (else a LogoutResponse, or nothing). */
    Outcome posted(String idpId, Optional<String> samlRequest) {
        return carryOut(idpId, samlRequest.isPresent(), Binding.POST, idp ->
                IdpLogout.readPosted(saml, samlRequest.orElseThrow(), idp, sp.sloUrl(idp.id()), clock.instant(), ledger));
    }

    private interface Reader {
        IdpLogout read(IdentityProvider idp) throws IdpLogout.Refused;
    }

    private Outcome carryOut(String idpId, boolean isRequest, Binding came, Reader reader) {
        Optional<IdentityProvider> idp = idps.find(idpId);
        if (idp.isEmpty() || !isRequest) {
            return SIGNED_OUT;
        }
        try {
            IdpLogout request = reader.read(idp.get());
            int ended = sessions.endAll(idpId, request.nameId(), new Ending(Ending.Cause.IDP_LOGOUT, "idp " + idpId));
            audit.record(AuditEvent.sessionsEnded(clock.instant(),
                    "single logout from the IdP (" + came + "), " + ended + " session(s)",
                    new AuditEvent.Person(request.nameId(), "", idpId)));
            return sp.logoutResponse(idp.get(), request.requestId(), came, clock.instant())
                    .<Outcome>map(Outcome.Go::new).orElse(SIGNED_OUT);
        } catch (IdpLogout.Refused e) {
            audit.record(AuditEvent.signOutRefused(clock.instant(), e.code(),
                    "single logout from the IdP (" + came + ") refused: " + e.getMessage(), AuditEvent.Person.unknown(idpId)));
            return new Outcome.Refused(e.code(), e.getMessage());
        }
    }

}
