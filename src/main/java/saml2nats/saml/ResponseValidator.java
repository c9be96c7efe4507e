package saml2nats.saml;

import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.core.Response;
import org.w3c.dom.Document;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Validates a SAML Response as DESIGN.md "SAML validation" says: every check, always.
 * Structural steps (decode, parse, one assertion, decrypt) stop at the first failure
 * because later steps have nothing to read; then every {@link Check} runs in order (the
 * defaults are {@link Checks#DEFAULTS}), so an admin sees all findings at once. Data is
 * read only from the verified elements of the one parsed tree. The ACS and
 * {@code saml inspect} both come through here.
 */
public final class ResponseValidator {
    public static final int MAX_RESPONSE_BYTES = 512 * 1024;

    private final OpenSaml saml;
    private final List<Check> rules;
    private final Clock clock;

    public ResponseValidator(OpenSaml saml, Clock clock) {
        this(saml, clock, Checks.DEFAULTS);
    }

    ResponseValidator(OpenSaml saml, Clock clock, List<Check> rules) {
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
            steps.add(check.apply(e));
        }
        Validation.Summary summary = summary(response, assertion);
        if (steps.stream().anyMatch(Step::failed)) {
            return new Validation(steps, Optional.empty(), summary, Optional.empty());
        }
        if (commit) {
            Instant keepUntil = keepUntil(assertion, idp.clockSkew(), e.now());
            if (!ledger.commit(idp.id(), Checks.answered(e).orElse(null), assertion.getID(), keepUntil)) {
                steps.add(Step.fail(Checks.REPLAY, SamlError.REPLAYED, "this assertion was accepted a moment ago: a replay"));
                return new Validation(steps, Optional.empty(), summary, Optional.empty());
            }
        }
        return new Validation(steps, Optional.of(Claims.identity(assertion, idp)), summary, Checks.idpSessionEnds(assertion));
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
        if (xml.regionMatches(true, 0, "<!DOCTYPE", 0, 9) || xml.toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
            steps.add(Step.fail("decode", SamlError.DOCTYPE_FORBIDDEN, "the response contains a DOCTYPE; SAML never needs one, and entities in it are an attack (XXE)"));
            return null;
        }
        steps.add(Step.pass("decode", xml.length() + " bytes of XML"));
        return xml;
    }

    /**
     * A DOCTYPE never reaches here ({@link #decode} refuses any); the parser also refuses
     * one ({@link OpenSaml}), which would land in the not-well-formed branch.
     */
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
            steps.add(Step.fail("parse", SamlError.MALFORMED_RESPONSE, "the response is not well-formed XML"));
        } catch (UnmarshallingException | RuntimeException e) {
            steps.add(Step.fail("parse", SamlError.MALFORMED_RESPONSE, "the XML is not a SAML Response OpenSAML can read"));
        }
        return null;
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
            Assertion assertion = AssertionDecryption.open(sealed, sp.decryption().get());
            steps.add(Step.pass("decrypt", "the assertion decrypted with this service's key"));
            return assertion;
        } catch (Exception e) {
            steps.add(Step.fail("decrypt", SamlError.DECRYPTION_FAILED,
                    "the encrypted assertion does not decrypt with this service's key: the IdP may hold an old SP certificate"));
            return null;
        }
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
                Claims.attributes(assertion), c == null ? null : c.getNotBefore(), c == null ? null : c.getNotOnOrAfter(),
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
}
