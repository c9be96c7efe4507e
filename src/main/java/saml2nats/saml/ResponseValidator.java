package saml2nats.saml;

import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.saml2.encryption.Decrypter;
import org.opensaml.saml.saml2.encryption.EncryptedElementTypeEncryptedKeyResolver;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.ChainingEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.SimpleRetrievalMethodEncryptedKeyResolver;
import org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import saml2nats.session.Identity;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Validates a SAML Response as DESIGN.md "SAML validation" says: every check, always,
 * as an ordered list of named steps in protocol order. Structural steps (decode,
 * parse, decrypt, find the one assertion) stop at the first failure because later
 * steps have nothing to read; every rule after them runs, so an admin sees all
 * findings at once. Data is read only from the verified elements of the one parsed
 * tree. The ACS and {@code saml inspect} both come through here.
 */
public final class ResponseValidator {
    public static final int MAX_RESPONSE_BYTES = 512 * 1024;

    static final String SHA1_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    static final Set<String> STRONG_SIGNATURES = Set.of(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512");
    static final Set<String> SHA1_ALGORITHMS = Set.of(SHA1_SIGNATURE, "http://www.w3.org/2000/09/xmldsig#sha1",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1");
    static final Set<String> STRONG_DIGESTS = Set.of("http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512");
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

    /** A named rule over a parsed Response; replace one by name to customise, and call {@link #DEFAULT_RULES}' version inside. */
    public record Check(String name, Function<Evaluation, Step> rule) { }

    /** What the rules read: the parsed, decrypted Response and the settings, at one instant. */
    public record Evaluation(Response response, Assertion assertion, IdpSettings idp, SpSettings sp, Instant now,
                             RequestLedger ledger, BrowserBinding browser) {
        /** The bearer confirmation every rule reads (Profiles 4.1.4.2), when the assertion has one for our ACS. */
        public Optional<SubjectConfirmationData> bearer() {
            return ResponseValidator.bearer(assertion, sp.acsUrl());
        }
    }

    public static final List<Check> DEFAULT_RULES = List.of(
            new Check("status", ResponseValidator::status),
            new Check("destination", ResponseValidator::destination),
            new Check("issuer", ResponseValidator::issuer),
            new Check("signature", ResponseValidator::signature),
            new Check("audience", ResponseValidator::audience),
            new Check("subject confirmation", ResponseValidator::subjectConfirmation),
            new Check("conditions time", ResponseValidator::conditionsTime),
            new Check("idp session", ResponseValidator::idpSession),
            new Check("in response to", ResponseValidator::inResponseTo),
            new Check("this browser", ResponseValidator::thisBrowser),
            new Check("replay", ResponseValidator::replay),
            new Check("subject and groups", ResponseValidator::subjectAndGroups));

    private final OpenSaml saml;
    private final List<Check> rules;
    private final Clock clock;

    public ResponseValidator(OpenSaml saml, Clock clock) {
        this(saml, clock, DEFAULT_RULES);
    }

    public ResponseValidator(OpenSaml saml, Clock clock, List<Check> rules) {
        this.saml = saml;
        this.clock = clock;
        this.rules = List.copyOf(rules);
    }

    /**
     * @param posted the {@code SAMLResponse} form value (base64) or raw XML
     * @param browser the posting browser, by its pre-auth cookie
     * @param commit  whether an accepted Response is recorded (the ACS) or only judged ({@code saml inspect})
     */
    public Validation validate(String posted, IdpSettings idp, SpSettings sp, RequestLedger ledger, BrowserBinding browser,
                               boolean commit) {
        List<Step> steps = new ArrayList<>();
        String xml = decode(posted, steps);
        if (xml == null) {
            return new Validation(steps, Optional.empty(), Validation.Summary.EMPTY, Optional.empty());
        }
        Response response = parse(xml, steps);
        if (response == null) {
            return new Validation(steps, Optional.empty(), Validation.Summary.EMPTY, Optional.empty());
        }
        Assertion assertion = theAssertion(response, sp, steps);
        if (assertion == null) {
            return new Validation(steps, Optional.empty(), summary(response, null), Optional.empty());
        }
        Evaluation e = new Evaluation(response, assertion, idp, sp, clock.instant(), ledger, browser);
        for (Check check : rules) {
            steps.add(check.rule().apply(e));
        }
        Validation.Summary summary = summary(response, assertion);
        if (steps.stream().anyMatch(Step::failed)) {
            return new Validation(steps, Optional.empty(), summary, Optional.empty());
        }
        if (commit) {
            Instant keepUntil = keepUntil(assertion, idp.clockSkew(), e.now());
            if (!ledger.commit(idp.id(), answered(e).orElse(null), assertion.getID(), keepUntil)) {
                steps.add(Step.fail("replay", SamlError.REPLAYED, "this assertion was accepted a moment ago: a replay"));
                return new Validation(steps, Optional.empty(), summary, Optional.empty());
            }
        }
        return new Validation(steps, Optional.of(identity(assertion, idp)), summary, idpSessionEnds(assertion));
    }

    // ---- structural steps: each needs the one before it ----

    private static String decode(String posted, List<Step> steps) {
        String text = posted == null ? "" : posted.trim();
        if (text.isEmpty()) {
            steps.add(Step.fail("decode", SamlError.MALFORMED_RESPONSE, "no SAMLResponse was posted"));
            return null;
        }
        if (text.length() > MAX_RESPONSE_BYTES * 4 / 3 + 4) {
            steps.add(Step.fail("decode", SamlError.MALFORMED_RESPONSE, "the response is larger than " + MAX_RESPONSE_BYTES + " bytes"));
            return null;
        }
        String xml;
        if (text.startsWith("<")) {
            xml = text;
        } else {
            try {
                xml = new String(Base64.getMimeDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                steps.add(Step.fail("decode", SamlError.MALFORMED_RESPONSE, "SAMLResponse is neither XML nor base64"));
                return null;
            }
        }
        if (xml.regionMatches(true, 0, "<!DOCTYPE", 0, 9) || xml.toUpperCase(java.util.Locale.ROOT).contains("<!DOCTYPE")) {
            steps.add(Step.fail("decode", SamlError.DOCTYPE_FORBIDDEN, "the response contains a DOCTYPE; SAML never needs one, and entities in it are an attack (XXE)"));
            return null;
        }
        steps.add(Step.pass("decode", xml.length() + " bytes of XML"));
        return xml;
    }

    private Response parse(String xml, List<Step> steps) {
        try {
            Document doc = saml.parse(xml);
            XMLObject object = saml.unmarshal(doc.getDocumentElement());
            if (object instanceof Response r) {
                steps.add(Step.pass("parse", "a samlp:Response"));
                return r;
            }
            steps.add(Step.fail("parse", SamlError.MALFORMED_RESPONSE, "the XML is a " + doc.getDocumentElement().getLocalName() + ", not a samlp:Response"));
        } catch (XMLParserException e) {
            boolean doctype = String.valueOf(rootMessage(e)).toUpperCase(java.util.Locale.ROOT).contains("DOCTYPE");
            steps.add(Step.fail("parse", doctype ? SamlError.DOCTYPE_FORBIDDEN : SamlError.MALFORMED_RESPONSE,
                    doctype ? "the response contains a DOCTYPE, which is never accepted" : "the response is not well-formed XML"));
        } catch (UnmarshallingException | RuntimeException e) {
            steps.add(Step.fail("parse", SamlError.MALFORMED_RESPONSE, "the XML is not a SAML Response OpenSAML can read"));
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The one assertion, decrypted when it came encrypted. */
    private Assertion theAssertion(Response response, SpSettings sp, List<Step> steps) {
        int plain = response.getAssertions().size();
        int encrypted = response.getEncryptedAssertions().size();
        if (plain + encrypted != 1) {
            steps.add(Step.fail("one assertion", SamlError.ASSERTION_COUNT,
                    "the response holds " + (plain + encrypted) + " assertions; exactly one is accepted"));
            return null;
        }
        if (plain == 1) {
            steps.add(Step.pass("one assertion", "one plain assertion"));
            return response.getAssertions().get(0);
        }
        EncryptedAssertion sealed = response.getEncryptedAssertions().get(0);
        if (sp.decryption().isEmpty()) {
            steps.add(Step.fail("decrypt", SamlError.DECRYPTION_FAILED,
                    "the assertion is encrypted but this service has no decryption key: configure the SP key"));
            return null;
        }
        try {
            BasicX509Credential credential = new BasicX509Credential(sp.decryption().get().certificate(), sp.decryption().get().key());
            Decrypter decrypter = new Decrypter(null, new StaticKeyInfoCredentialResolver(credential),
                    new ChainingEncryptedKeyResolver(List.of(new InlineEncryptedKeyResolver(),
                            new EncryptedElementTypeEncryptedKeyResolver(), new SimpleRetrievalMethodEncryptedKeyResolver())));
            decrypter.setRootInNewDocument(true);
            Assertion assertion = decrypter.decrypt(sealed);
            steps.add(Step.pass("decrypt", "the assertion decrypted with this service's key"));
            return assertion;
        } catch (Exception e) {
            steps.add(Step.fail("decrypt", SamlError.DECRYPTION_FAILED,
                    "the encrypted assertion does not decrypt with this service's key: the IdP may hold an old SP certificate"));
            return null;
        }
    }

    // ---- rules: all run ----

    static Step status(Evaluation e) {
        var status = e.response().getStatus();
        String code = status == null || status.getStatusCode() == null ? null : status.getStatusCode().getValue();
        if (StatusCode.SUCCESS.equals(code)) {
            return Step.pass("status", "Success");
        }
        String sub = status != null && status.getStatusCode() != null && status.getStatusCode().getStatusCode() != null
                ? " / " + status.getStatusCode().getStatusCode().getValue() : "";
        String msg = status != null && status.getStatusMessage() != null ? ": " + status.getStatusMessage().getValue() : "";
        return Step.fail("status", SamlError.STATUS_NOT_SUCCESS, "the IdP did not sign you in (" + code + sub + msg + ")");
    }

    static Step destination(Evaluation e) {
        String destination = e.response().getDestination();
        if (e.sp().acsUrl().equals(destination)) {
            return Step.pass("destination", destination);
        }
        return Step.fail("destination", SamlError.WRONG_DESTINATION, "the response is addressed to " + destination
                + ", not to this service's ACS " + e.sp().acsUrl() + ": check the ACS URL configured at the IdP");
    }

    static Step issuer(Evaluation e) {
        String expected = e.idp().entityId();
        var responseIssuer = e.response().getIssuer();
        var assertionIssuer = e.assertion().getIssuer();
        if (responseIssuer != null && !expected.equals(responseIssuer.getValue())) {
            return Step.fail("issuer", SamlError.WRONG_ISSUER, "the response was issued by " + responseIssuer.getValue()
                    + ", not by the configured IdP " + expected);
        }
        if (assertionIssuer == null || !expected.equals(assertionIssuer.getValue())) {
            return Step.fail("issuer", SamlError.WRONG_ISSUER, "the assertion was issued by "
                    + (assertionIssuer == null ? "nobody" : assertionIssuer.getValue()) + ", not by the configured IdP " + expected);
        }
        return Step.pass("issuer", expected);
    }

    /** The Response, the Assertion, or both must be signed; each signature present must verify and be strong. */
    static Step signature(Evaluation e) {
        Signature onResponse = e.response().getSignature();
        Signature onAssertion = e.assertion().getSignature();
        if (onResponse == null && onAssertion == null) {
            return Step.fail("signature", SamlError.UNSIGNED, "neither the response nor the assertion is signed");
        }
        List<String> verified = new ArrayList<>();
        for (SignableSAMLObject signed : new SignableSAMLObject[]{e.response(), e.assertion()}) {
            Signature sig = signed.getSignature();
            if (sig == null) {
                continue;
            }
            String what = signed instanceof Response ? "response" : "assertion";
            Optional<Step> problem = verify(sig, signed, what, e.idp());
            if (problem.isPresent()) {
                return problem.get();
            }
            verified.add(what);
        }
        return Step.pass("signature", String.join(" and ", verified) + " signed by the IdP's configured certificate");
    }

    static Optional<Step> verify(Signature sig, SignableSAMLObject signed, String what, IdpSettings idp) {
        try {
            new SAMLSignatureProfileValidator().validate(sig);
        } catch (SignatureException ex) {
            return Optional.of(Step.fail("signature", SamlError.SIGNATURE_WRAPPING,
                    "the " + what + "'s signature does not follow the SAML profile (its Reference must name this very element)"));
        }
        Optional<String> wrapping = referencesOnlyThisElement(signed);
        if (wrapping.isPresent()) {
            return Optional.of(Step.fail("signature", SamlError.SIGNATURE_WRAPPING, wrapping.get()));
        }
        Optional<String> weak = weakAlgorithm(sig, idp.allowSha1());
        if (weak.isPresent()) {
            return Optional.of(Step.fail("signature", SamlError.WEAK_ALGORITHM, "the " + what + " is signed with " + weak.get()
                    + "; SHA-1 is refused unless the IdP entry sets allow_sha1: true (better: switch the IdP to SHA-256)"));
        }
        for (var cert : idp.certificates()) {
            try {
                SignatureValidator.validate(sig, new BasicX509Credential(cert));
                return Optional.empty();
            } catch (SignatureException ex) {
                // try the next configured certificate (two during a rotation)
            }
        }
        return Optional.of(Step.fail("signature", SamlError.BAD_SIGNATURE, "the " + what
                + "'s signature does not verify with the IdP certificate(s) configured for '" + idp.id()
                + "': the content was changed, or the IdP signs with a certificate this service does not have"));
    }

    /** The Reference URI is this element's ID, and no other element in the document carries that ID. */
    static Optional<String> referencesOnlyThisElement(SignableSAMLObject signed) {
        String id = signed.getSignatureReferenceID();
        Element self = signed.getDOM();
        if (id == null || id.isEmpty() || self == null) {
            return Optional.of("the signed element has no ID for its signature to reference");
        }
        int count = countIds(self.getOwnerDocument().getDocumentElement(), id);
        if (count != 1) {
            return Optional.of("the ID " + id + " appears " + count + " times in the document: a signature wrapping attempt");
        }
        return Optional.empty();
    }

    private static int countIds(Element element, String id) {
        int n = 0;
        for (String attr : new String[]{"ID", "Id", "id"}) {
            if (id.equals(element.getAttributeNS(null, attr))) {
                n++;
            }
        }
        for (var child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element c) {
                n += countIds(c, id);
            }
        }
        return n;
    }

    static Optional<String> weakAlgorithm(Signature sig, boolean allowSha1) {
        List<String> algorithms = new ArrayList<>();
        algorithms.add(sig.getSignatureAlgorithm());
        Element dom = sig.getDOM();
        if (dom != null) {
            NodeList digests = dom.getElementsByTagNameNS(DSIG_NS, "DigestMethod");
            for (int i = 0; i < digests.getLength(); i++) {
                algorithms.add(((Element) digests.item(i)).getAttribute("Algorithm"));
            }
        }
        for (String alg : algorithms) {
            boolean strong = STRONG_SIGNATURES.contains(alg) || STRONG_DIGESTS.contains(alg);
            if (!strong && !(allowSha1 && SHA1_ALGORITHMS.contains(alg))) {
                return Optional.of(alg);
            }
        }
        return Optional.empty();
    }

    /** Each AudienceRestriction must name us: several are AND-ed, not OR-ed (Core 2.5.1.4). */
    static Step audience(Evaluation e) {
        Conditions conditions = e.assertion().getConditions();
        List<AudienceRestriction> restrictions = conditions == null ? List.of() : conditions.getAudienceRestrictions();
        if (restrictions.isEmpty()) {
            return Step.fail("audience", SamlError.WRONG_AUDIENCE, "the assertion names no audience (AudienceRestriction), "
                    + "so it could be meant for any service: configure the SP entity ID " + e.sp().entityId() + " at the IdP");
        }
        for (AudienceRestriction r : restrictions) {
            List<String> audiences = r.getAudiences().stream().map(Audience::getURI).toList();
            if (!audiences.contains(e.sp().entityId())) {
                return Step.fail("audience", SamlError.WRONG_AUDIENCE, "the assertion is meant for " + audiences
                        + ", not for this service (" + e.sp().entityId() + "): check the SP entity ID configured at the IdP");
            }
        }
        return Step.pass("audience", e.sp().entityId());
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

    static Step subjectConfirmation(Evaluation e) {
        var subject = e.assertion().getSubject();
        if (subject == null) {
            return Step.fail("subject confirmation", SamlError.BAD_SUBJECT_CONFIRMATION, "the assertion has no Subject");
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
            return Step.fail("subject confirmation", SamlError.BAD_SUBJECT_CONFIRMATION, why);
        }
        SubjectConfirmationData data = bearer.get();
        if (!e.now().isBefore(data.getNotOnOrAfter().plus(e.idp().clockSkew()))) {
            return Step.fail("subject confirmation", SamlError.EXPIRED, "the sign-in expired " + ago(e.now(), data.getNotOnOrAfter())
                    + " (bearer NotOnOrAfter): sign in again, and if it keeps happening check this server's clock and the IdP's");
        }
        if (data.getNotBefore() != null && e.now().plus(e.idp().clockSkew()).isBefore(data.getNotBefore())) {
            return Step.fail("subject confirmation", SamlError.NOT_YET_VALID, "the bearer confirmation is not valid until " + data.getNotBefore());
        }
        return Step.pass("subject confirmation", "bearer for " + data.getRecipient() + " until " + data.getNotOnOrAfter());
    }

    /** The IdP's own session end (AuthnStatement SessionNotOnOrAfter), the earliest when several. */
    static Optional<Instant> idpSessionEnds(Assertion assertion) {
        return assertion.getAuthnStatements().stream().map(AuthnStatement::getSessionNotOnOrAfter)
                .filter(java.util.Objects::nonNull).min(Instant::compareTo);
    }

    /** A session here never outlives the IdP's (Core 2.7.2); one that has ended already signs nobody in. */
    static Step idpSession(Evaluation e) {
        Optional<Instant> ends = idpSessionEnds(e.assertion());
        if (ends.isEmpty()) {
            return Step.pass("idp session", "no SessionNotOnOrAfter: the session lasts sessions.length");
        }
        if (!e.now().isBefore(ends.get())) {
            return Step.fail("idp session", SamlError.EXPIRED, "your session at the IdP ended " + ago(e.now(), ends.get())
                    + " (SessionNotOnOrAfter): sign in again");
        }
        return Step.pass("idp session", "ends with the IdP's session at " + ends.get());
    }

    static Step conditionsTime(Evaluation e) {
        Conditions c = e.assertion().getConditions();
        if (c == null) {
            return Step.fail("conditions time", SamlError.EXPIRED, "the assertion has no Conditions, so no validity window");
        }
        Duration skew = e.idp().clockSkew();
        if (c.getNotBefore() != null && e.now().plus(skew).isBefore(c.getNotBefore())) {
            return Step.fail("conditions time", SamlError.NOT_YET_VALID, "the assertion is valid only from " + c.getNotBefore()
                    + ", " + Duration.between(e.now(), c.getNotBefore()).toSeconds() + " s from now: check this server's clock and the IdP's");
        }
        if (c.getNotOnOrAfter() != null && !e.now().isBefore(c.getNotOnOrAfter().plus(skew))) {
            return Step.fail("conditions time", SamlError.EXPIRED, "the assertion expired " + ago(e.now(), c.getNotOnOrAfter())
                    + ": check this server's clock and the IdP's");
        }
        return Step.pass("conditions time", "valid " + c.getNotBefore() + " to " + c.getNotOnOrAfter() + " (skew " + skew.toSeconds() + " s)");
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
    static Step inResponseTo(Evaluation e) {
        String outer = e.response().getInResponseTo();
        Optional<String> signed = answered(e);
        if (signed.isEmpty()) {
            if (outer != null && !outer.isEmpty()) {
                return Step.fail("in response to", SamlError.UNKNOWN_REQUEST, "the response says it answers request " + outer
                        + ", but neither its assertion's bearer confirmation nor a signature on the response says so: "
                        + "the assertion was not issued for it");
            }
            return e.idp().allowIdpInitiated()
                    ? Step.pass("in response to", "IdP-initiated sign-in (allowed for this IdP)")
                    : Step.fail("in response to", SamlError.UNKNOWN_REQUEST,
                    "the IdP started this sign-in on its own (no InResponseTo), which is off for '" + e.idp().id()
                            + "': start at this service's sign-in page, or set allow_idp_initiated: true");
        }
        String id = signed.get();
        if (!id.equals(outer)) {
            return Step.fail("in response to", SamlError.UNKNOWN_REQUEST, "the assertion answers request " + id
                    + " but the response around it says " + outer + ": an assertion re-addressed to another sign-in");
        }
        if (!e.ledger().isPending(e.idp().id(), id)) {
            return Step.fail("in response to", SamlError.UNKNOWN_REQUEST, "the response answers request " + id
                    + ", which this service did not send or has already seen answered: start the sign-in again");
        }
        return Step.pass("in response to", id);
    }

    /** The request was started by the browser that posts its answer (see {@link BrowserBinding}). */
    static Step thisBrowser(Evaluation e) {
        Optional<String> id = answered(e);
        if (id.isEmpty()) {
            return Step.pass("this browser", "no request to bind (IdP-initiated)");
        }
        if (!e.ledger().startedBy(e.idp().id(), id.get(), e.browser())) {
            String home = e.sp().acsUrl().replaceFirst("^(https?://[^/]+).*$", "$1");
            return Step.fail("this browser", SamlError.OTHER_BROWSER, "this sign-in was started in another browser "
                    + "(or this browser's sign-in cookie expired, was blocked, or was set for another address): start "
                    + "the sign-in again in this browser at " + home + ". If you did not start a sign-in, someone may "
                    + "be trying to sign you in as them; close this page.");
        }
        return Step.pass("this browser", "started in this browser");
    }

    static Step replay(Evaluation e) {
        if (e.ledger().wasSeen(e.idp().id(), e.assertion().getID())) {
            return Step.fail("replay", SamlError.REPLAYED, "assertion " + e.assertion().getID() + " was already used to sign in");
        }
        return Step.pass("replay", "assertion " + e.assertion().getID() + " is new");
    }

    static Step subjectAndGroups(Evaluation e) {
        var subject = e.assertion().getSubject();
        if (subject == null || subject.getNameID() == null || subject.getNameID().getValue() == null
                || subject.getNameID().getValue().isBlank()) {
            return Step.fail("subject and groups", SamlError.NO_SUBJECT, "the assertion names nobody (no NameID)");
        }
        if (attributes(e.assertion()).containsKey(AttributeNames.ENTRA_GROUPS_OVERAGE)) {
            return Step.fail("subject and groups", SamlError.GROUPS_OVERAGE, "Entra ID sent a link instead of the groups because "
                    + "this person is in more than 150: in the Entra enterprise application, under Attributes & Claims, emit "
                    + "'Groups assigned to the application' (or filter the groups claim) so the groups fit in the assertion");
        }
        return Step.pass("subject and groups", subject.getNameID().getValue());
    }

    // ---- reading the verified assertion ----

    static Map<String, List<String>> attributes(Assertion assertion) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (AttributeStatement statement : assertion.getAttributeStatements()) {
            for (Attribute a : statement.getAttributes()) {
                List<String> values = out.computeIfAbsent(a.getName(), k -> new ArrayList<>());
                for (XMLObject v : a.getAttributeValues()) {
                    String text = v instanceof XSString s ? s.getValue()
                            : v instanceof XSAny any ? any.getTextContent()
                            : v.getDOM() != null ? v.getDOM().getTextContent() : null;
                    if (text != null && !text.isBlank()) {
                        values.add(text.trim());
                    }
                }
            }
        }
        return out;
    }

    static Identity identity(Assertion assertion, IdpSettings idp) {
        Map<String, List<String>> attrs = attributes(assertion);
        AttributeNames names = idp.attributes();
        String nameId = assertion.getSubject().getNameID().getValue().trim();
        String email = one(attrs, names.email()).orElse(nameId.contains("@") ? nameId : "");
        // only what the IdP asserts: an e-mail's local part is not a username (alice@a.test and alice@b.test differ)
        String username = one(attrs, names.username()).orElse("");
        String given = first(attrs, names.givenName()).orElse("");
        String family = first(attrs, names.familyName()).orElse("");
        String display = first(attrs, names.displayName())
                .orElse(!(given + family).isBlank() ? (given + " " + family).trim()
                        : !username.isEmpty() ? username : !email.isEmpty() ? email : nameId);
        List<String> groups = attrs.getOrDefault(names.groups(), List.of());
        return new Identity(idp.id(), nameId, email, username, display, groups);
    }

    /** The attribute's first value: the one attribute this IdP sends it in. */
    private static Optional<String> one(Map<String, List<String>> attrs, String name) {
        return Optional.ofNullable(attrs.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
    }

    private static Optional<String> first(Map<String, List<String>> attrs, List<String> names) {
        return names.stream().map(attrs::get).filter(v -> v != null && !v.isEmpty()).map(v -> v.get(0)).findFirst();
    }

    private static Validation.Summary summary(Response response, Assertion assertion) {
        String issuer = response.getIssuer() != null ? response.getIssuer().getValue()
                : assertion != null && assertion.getIssuer() != null ? assertion.getIssuer().getValue() : "";
        if (assertion == null) {
            return new Validation.Summary(issuer, "", Map.of(), null, null, String.valueOf(response.getInResponseTo()), "");
        }
        var subject = assertion.getSubject();
        Conditions c = assertion.getConditions();
        return new Validation.Summary(issuer,
                subject != null && subject.getNameID() != null ? subject.getNameID().getValue() : "",
                attributes(assertion), c == null ? null : c.getNotBefore(), c == null ? null : c.getNotOnOrAfter(),
                response.getInResponseTo() == null ? "" : response.getInResponseTo(), assertion.getID());
    }

    /** Seen IDs are kept until the assertion could no longer be accepted anyway. */
    private static Instant keepUntil(Assertion assertion, Duration skew, Instant now) {
        Instant until = now.plus(Duration.ofMinutes(5));
        Conditions c = assertion.getConditions();
        if (c != null && c.getNotOnOrAfter() != null && c.getNotOnOrAfter().isAfter(until)) {
            until = c.getNotOnOrAfter();
        }
        return until.plus(skew);
    }

    private static String ago(Instant now, Instant then) {
        long s = Duration.between(then, now).toSeconds();
        return s < 120 ? s + " seconds ago" : s < 7200 ? (s / 60) + " minutes ago" : s < 172800 ? (s / 3600) + " hours ago" : (s / 86400) + " days ago";
    }
}
