package saml2nats.saml;

import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.xmlsec.signature.Signature;
import saml2nats.saml.Check.Result;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The default rules over a parsed, decrypted Response, in protocol order (DESIGN.md
 * "SAML validation"). Each is a plain function a custom {@link Check} can call and then
 * refine, as {@code saml inspect} does; its name is written once, in {@link #DEFAULTS}.
 */
final class Checks {
    static final String IN_RESPONSE_TO = "in response to";
    static final String THIS_BROWSER = "this browser";
    static final String REPLAY = "replay";
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    static final List<Check> DEFAULTS = List.of(
            new Check("status", Checks::status),
            new Check("destination", Checks::destination),
            new Check("issuer", Checks::issuer),
            new Check("signature", Checks::signature),
            new Check("audience", Checks::audience),
            new Check("subject confirmation", Checks::subjectConfirmation),
            new Check("conditions time", Checks::conditionsTime),
            new Check("idp session", Checks::idpSession),
            new Check(IN_RESPONSE_TO, Checks::inResponseTo),
            new Check(THIS_BROWSER, Checks::thisBrowser),
            new Check(REPLAY, Checks::replay),
            new Check("subject and groups", Checks::subjectAndGroups));

    private Checks() { }

    static Result status(Evaluation e) {
        var status = e.response().getStatus();
        String code = status == null || status.getStatusCode() == null ? null : status.getStatusCode().getValue();
        if (StatusCode.SUCCESS.equals(code)) {
            return Result.pass("Success");
        }
        String sub = status != null && status.getStatusCode() != null && status.getStatusCode().getStatusCode() != null
                ? " / " + status.getStatusCode().getStatusCode().getValue() : "";
        String msg = status != null && status.getStatusMessage() != null ? ": " + status.getStatusMessage().getValue() : "";
        return Result.fail(SamlError.STATUS_NOT_SUCCESS, "the IdP did not sign you in (" + code + sub + msg + ")");
    }

    static Result destination(Evaluation e) {
        String destination = e.response().getDestination();
        if (e.sp().acsUrl().equals(destination)) {
            return Result.pass(destination);
        }
        return Result.fail(SamlError.WRONG_DESTINATION, "the response is addressed to " + destination
                + ", not to this service's ACS " + e.sp().acsUrl() + ": check the ACS URL configured at the IdP");
    }

    static Result issuer(Evaluation e) {
        String expected = e.idp().entityId();
        var responseIssuer = e.response().getIssuer();
        var assertionIssuer = e.assertion().getIssuer();
        if (responseIssuer != null && !expected.equals(responseIssuer.getValue())) {
            return Result.fail(SamlError.WRONG_ISSUER, "the response was issued by " + responseIssuer.getValue()
                    + ", not by the configured IdP " + expected);
        }
        if (assertionIssuer == null || !expected.equals(assertionIssuer.getValue())) {
            return Result.fail(SamlError.WRONG_ISSUER, "the assertion was issued by "
                    + (assertionIssuer == null ? "nobody" : assertionIssuer.getValue()) + ", not by the configured IdP " + expected);
        }
        return Result.pass(expected);
    }

    /** The Response, the Assertion, or both must be signed; each signature present must verify and be strong. */
    static Result signature(Evaluation e) {
        Signature onResponse = e.response().getSignature();
        Signature onAssertion = e.assertion().getSignature();
        if (onResponse == null && onAssertion == null) {
            return Result.fail(SamlError.UNSIGNED, "neither the response nor the assertion is signed");
        }
        List<String> verified = new ArrayList<>();
        for (SignableSAMLObject signed : new SignableSAMLObject[]{e.response(), e.assertion()}) {
            Signature sig = signed.getSignature();
            if (sig == null) {
                continue;
            }
            String what = signed instanceof Response ? "response" : "assertion";
            Optional<Result> problem = Signatures.verify(sig, signed, what, e.idp());
            if (problem.isPresent()) {
                return problem.get();
            }
            verified.add(what);
        }
        return Result.pass(String.join(" and ", verified) + " signed by the IdP's configured certificate");
    }

    /** Each AudienceRestriction must name us: several are AND-ed, not OR-ed (Core 2.5.1.4). */
    static Result audience(Evaluation e) {
        Conditions conditions = e.assertion().getConditions();
        List<AudienceRestriction> restrictions = conditions == null ? List.of() : conditions.getAudienceRestrictions();
        if (restrictions.isEmpty()) {
            return Result.fail(SamlError.WRONG_AUDIENCE, "the assertion names no audience (AudienceRestriction), "
                    + "so it could be meant for any service: configure the SP entity ID " + e.sp().entityId() + " at the IdP");
        }
        for (AudienceRestriction r : restrictions) {
            List<String> audiences = r.getAudiences().stream().map(Audience::getURI).toList();
            if (!audiences.contains(e.sp().entityId())) {
                return Result.fail(SamlError.WRONG_AUDIENCE, "the assertion is meant for " + audiences
                        + ", not for this service (" + e.sp().entityId() + "): check the SP entity ID configured at the IdP");
            }
        }
        return Result.pass(e.sp().entityId());
    }

    /** The first bearer confirmation for our ACS with an expiry; the time and request checks read this one. */
    static Optional<SubjectConfirmationData> bearer(Assertion assertion, String acsUrl) {
        if (assertion.getSubject() == null) {
            return Optional.empty();
        }
        return assertion.getSubject().getSubjectConfirmations().stream()
                .filter(sc -> BEARER.equals(sc.getMethod()) && sc.getSubjectConfirmationData() != null)
                .map(SubjectConfirmation::getSubjectConfirmationData)
                .filter(d -> acsUrl.equals(d.getRecipient()) && d.getNotOnOrAfter() != null)
                .findFirst();
    }

    static Result subjectConfirmation(Evaluation e) {
        var subject = e.assertion().getSubject();
        if (subject == null) {
            return Result.fail(SamlError.BAD_SUBJECT_CONFIRMATION, "the assertion has no Subject");
        }
        Optional<SubjectConfirmationData> bearer = e.bearer();
        if (bearer.isEmpty()) {
            String why = "no bearer SubjectConfirmation";
            for (SubjectConfirmation sc : subject.getSubjectConfirmations()) {
                SubjectConfirmationData data = sc.getSubjectConfirmationData();
                if (BEARER.equals(sc.getMethod()) && data != null) {
                    why = !e.sp().acsUrl().equals(data.getRecipient())
                            ? "the bearer confirmation's Recipient is " + data.getRecipient() + ", not " + e.sp().acsUrl()
                            : "the bearer confirmation has no NotOnOrAfter";
                }
            }
            return Result.fail(SamlError.BAD_SUBJECT_CONFIRMATION, why);
        }
        SubjectConfirmationData data = bearer.get();
        if (!e.now().isBefore(data.getNotOnOrAfter().plus(e.idp().clockSkew()))) {
            return Result.fail(SamlError.EXPIRED, "the sign-in expired " + ago(e.now(), data.getNotOnOrAfter())
                    + " (bearer NotOnOrAfter): sign in again, and if it keeps happening check this server's clock and the IdP's");
        }
        if (data.getNotBefore() != null && e.now().plus(e.idp().clockSkew()).isBefore(data.getNotBefore())) {
            return Result.fail(SamlError.NOT_YET_VALID, "the bearer confirmation is not valid until " + data.getNotBefore());
        }
        return Result.pass("bearer for " + data.getRecipient() + " until " + data.getNotOnOrAfter());
    }

    /** The IdP's own session end (AuthnStatement SessionNotOnOrAfter), the earliest when several. */
    static Optional<Instant> idpSessionEnds(Assertion assertion) {
        return assertion.getAuthnStatements().stream().map(AuthnStatement::getSessionNotOnOrAfter)
                .filter(Objects::nonNull).min(Instant::compareTo);
    }

    /** A session here never outlives the IdP's (Core 2.7.2); one that has ended already signs nobody in. */
    static Result idpSession(Evaluation e) {
        Optional<Instant> ends = idpSessionEnds(e.assertion());
        if (ends.isEmpty()) {
            return Result.pass("no SessionNotOnOrAfter: the session lasts sessions.length");
        }
        if (!e.now().isBefore(ends.get())) {
            return Result.fail(SamlError.EXPIRED, "your session at the IdP ended " + ago(e.now(), ends.get())
                    + " (SessionNotOnOrAfter): sign in again");
        }
        return Result.pass("ends with the IdP's session at " + ends.get());
    }

    static Result conditionsTime(Evaluation e) {
        Conditions c = e.assertion().getConditions();
        if (c == null) {
            return Result.fail(SamlError.EXPIRED, "the assertion has no Conditions, so no validity window");
        }
        Duration skew = e.idp().clockSkew();
        if (c.getNotBefore() != null && e.now().plus(skew).isBefore(c.getNotBefore())) {
            return Result.fail(SamlError.NOT_YET_VALID, "the assertion is valid only from " + c.getNotBefore()
                    + ", " + Duration.between(e.now(), c.getNotBefore()).toSeconds() + " s from now: check this server's clock and the IdP's");
        }
        if (c.getNotOnOrAfter() != null && !e.now().isBefore(c.getNotOnOrAfter().plus(skew))) {
            return Result.fail(SamlError.EXPIRED, "the assertion expired " + ago(e.now(), c.getNotOnOrAfter())
                    + ": check this server's clock and the IdP's");
        }
        return Result.pass("valid " + c.getNotBefore() + " to " + c.getNotOnOrAfter() + " (skew " + skew.toSeconds() + " s)");
    }

    /**
     * The request the assertion answers, as the IdP signed it: its bearer confirmation's
     * InResponseTo, or, when that has none and the Response itself is signed (the signature
     * rule verifies it), the Response's. When only the assertion is signed, the Response's own
     * InResponseTo is whatever the poster wrote.
     */
    static Optional<String> answered(Evaluation e) {
        Optional<String> bearer = e.bearer().map(SubjectConfirmationData::getInResponseTo).filter(id -> !id.isEmpty());
        if (bearer.isPresent() || e.response().getSignature() == null) {
            return bearer;
        }
        return Optional.ofNullable(e.response().getInResponseTo()).filter(id -> !id.isEmpty());
    }

    /**
     * The signed InResponseTo (see {@link #answered}) names a request we sent and have not
     * seen answered, and the Response says the same (Profiles 4.1.4.2-3). An assertion issued
     * for one request, or for none (IdP-initiated), cannot be re-addressed to another by
     * editing the unsigned Response around it.
     */
    static Result inResponseTo(Evaluation e) {
        String outer = e.response().getInResponseTo();
        Optional<String> signed = answered(e);
        if (signed.isEmpty()) {
            if (outer != null && !outer.isEmpty()) {
                return Result.fail(SamlError.UNKNOWN_REQUEST, "the response says it answers request " + outer
                        + ", but neither its assertion's bearer confirmation nor a signature on the response says so: "
                        + "the assertion was not issued for it");
            }
            return e.idp().allowIdpInitiated()
                    ? Result.pass("IdP-initiated sign-in (allowed for this IdP)")
                    : Result.fail(SamlError.UNKNOWN_REQUEST,
                    "the IdP started this sign-in on its own (no InResponseTo), which is off for '" + e.idp().id()
                            + "': start at this service's sign-in page, or set allow_idp_initiated: true");
        }
        String id = signed.get();
        if (!id.equals(outer)) {
            return Result.fail(SamlError.UNKNOWN_REQUEST, "the assertion answers request " + id
                    + " but the response around it says " + outer + ": an assertion re-addressed to another sign-in");
        }
        if (!e.ledger().isPending(e.idp().id(), id)) {
            return Result.fail(SamlError.UNKNOWN_REQUEST, "the response answers request " + id
                    + ", which this service did not send or has already seen answered: start the sign-in again");
        }
        return Result.pass(id);
    }

    /** The request was started by the browser that posts its answer (see {@link BrowserBinding}). */
    static Result thisBrowser(Evaluation e) {
        Optional<String> id = answered(e);
        if (id.isEmpty()) {
            return Result.pass("no request to bind (IdP-initiated)");
        }
        if (!e.ledger().startedBy(e.idp().id(), id.get(), e.browser())) {
            String home = e.sp().acsUrl().replaceFirst("^(https?://[^/]+).*$", "$1");
            return Result.fail(SamlError.OTHER_BROWSER, "this sign-in was started in another browser "
                    + "(or this browser's sign-in cookie expired, was blocked, or was set for another address): start "
                    + "the sign-in again in this browser at " + home + ". If you did not start a sign-in, someone may "
                    + "be trying to sign you in as them; close this page.");
        }
        return Result.pass("started in this browser");
    }

    static Result replay(Evaluation e) {
        if (e.ledger().wasSeen(e.idp().id(), e.assertion().getID())) {
            return Result.fail(SamlError.REPLAYED, "assertion " + e.assertion().getID() + " was already used to sign in");
        }
        return Result.pass("assertion " + e.assertion().getID() + " is new");
    }

    static Result subjectAndGroups(Evaluation e) {
        var subject = e.assertion().getSubject();
        if (subject == null || subject.getNameID() == null || subject.getNameID().getValue() == null
                || subject.getNameID().getValue().isBlank()) {
            return Result.fail(SamlError.NO_SUBJECT, "the assertion names nobody (no NameID)");
        }
        if (Claims.attributes(e.assertion()).containsKey(AttributeNames.ENTRA_GROUPS_OVERAGE)) {
            return Result.fail(SamlError.GROUPS_OVERAGE, "Entra ID sent a link instead of the groups because "
                    + "this person is in more than 150: in the Entra enterprise application, under Attributes & Claims, emit "
                    + "'Groups assigned to the application' (or filter the groups claim) so the groups fit in the assertion");
        }
        return Result.pass(subject.getNameID().getValue());
    }

    private static String ago(Instant now, Instant then) {
        long s = Duration.between(then, now).toSeconds();
        return s < 120 ? s + " seconds ago" : s < 7200 ? (s / 60) + " minutes ago" : s < 172800 ? (s / 3600) + " hours ago" : (s / 86400) + " days ago";
    }
}
