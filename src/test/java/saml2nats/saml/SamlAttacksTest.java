package saml2nats.saml;

import saml2nats.config.Certificates;
import org.junit.jupiter.api.Test;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import saml2nats.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per check, each asserting its error code, on responses signed by a real
 * OpenSAML test IdP and then edited the way attackers edit them.
 */
class SamlAttacksTest {
    static final OpenSaml SAML = new OpenSaml();
    static final SigningIdp.Keys IDP_KEYS = SigningIdp.Keys.generate("test-idp");
    static final SigningIdp.Keys OTHER_KEYS = SigningIdp.Keys.generate("evil-idp");
    static final String ISSUER = "https://idp.test/metadata";
    static final SpSettings SP = new SpSettings("https://nats-login.test/saml/test/metadata",
            "https://nats-login.test/saml/test/acs", Optional.empty());
    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final String REQUEST = "_req1";

    final SigningIdp idp = new SigningIdp(SAML, IDP_KEYS);
    final MutableClock clock = new MutableClock(NOW);
    final SlotRequestLedger ledger = SlotRequestLedger.inMemory(100, clock);
    /** The browser that started every request these tests answer. */
    static final BrowserBinding BROWSER = BrowserBinding.ofSecret(BrowserBinding.newSecret(new java.security.SecureRandom()));
    final BrowserBinding browser = BROWSER;

    SamlAttacksTest() {
        ledger.sent("test", REQUEST, NOW.plus(Duration.ofMinutes(10)), browser);
    }

    static IdpSettings settings(boolean allowSha1, java.security.cert.X509Certificate... certs) {
        return new IdpSettings("test", ISSUER, List.of(certs), AttributeNames.DEFAULTS, allowSha1, false, IdpSettings.DEFAULT_SKEW);
    }

    SigningIdp.Spec good() {
        return SigningIdp.Spec.forPerson(ISSUER, SP, REQUEST, "alice@acme.com",
                Map.of("email", List.of("alice@acme.com"), "groups", List.of("eng-developers", "audit")), NOW);
    }

    Validation check(String xml) {
        return new ResponseValidator(SAML, clock).validate(xml, settings(false, IDP_KEYS.certificate()), SP, ledger, browser, true);
    }

    static void assertRefused(Validation v, SamlError code) {
        assertFalse(v.accepted(), "refused");
        assertTrue(v.failures().stream().anyMatch(s -> s.code() == code), "expected " + code + " in " + v.steps());
    }

    @Test
    void aGoodResponseIsAcceptedWithItsIdentity() {
        Validation v = check(idp.respond(good()));
        assertTrue(v.accepted(), v.steps().toString());
        var who = v.identity().orElseThrow();
        assertEquals("alice@acme.com", who.subject());
        assertEquals("alice@acme.com", who.email());
        assertEquals("", who.username(), "no username attribute: none is made up from the e-mail's local part");
        assertEquals(List.of("eng-developers", "audit"), who.groups());
        assertEquals("test", who.idp());
    }

    @Test
    void unsignedResponseAndAssertion() {
        assertRefused(check(idp.respond(good().with(b -> { b.signAssertion = false; return b; }))), SamlError.UNSIGNED);
    }

    @Test
    void signedByAnotherKey() {
        String forged = new SigningIdp(SAML, OTHER_KEYS).respond(good());
        assertRefused(check(forged), SamlError.BAD_SIGNATURE);
    }

    @Test
    void aSignedResponseWithAnUnsignedAssertionIsAccepted() {
        Validation v = check(idp.respond(good().with(b -> { b.signAssertion = false; b.signResponse = true; return b; })));
        assertTrue(v.accepted(), v.steps().toString());
    }

    @Test
    void changedContentUnderTheSignature() {
        String xml = idp.respond(good()).replace("eng-developers", "eng-admins");
        assertRefused(check(xml), SamlError.BAD_SIGNATURE);
    }

    @Test
    void wrappingUnsignedAssertionBesideTheSignedOne() {
        String xml = idp.respond(good());
        String assertion = xml.substring(xml.indexOf("<saml2:Assertion"), xml.indexOf("</saml2:Assertion>") + "</saml2:Assertion>".length());
        String evil = assertion.replaceAll("<ds:Signature.*</ds:Signature>", "").replace("alice@acme.com", "admin@acme.com")
                .replaceAll("ID=\"[^\"]+\"", "ID=\"_evil\"");
        assertRefused(check(xml.replace(assertion, evil + assertion)), SamlError.ASSERTION_COUNT);
    }

    @Test
    void wrappingSignedAssertionMovedIntoExtensions() {
        String xml = idp.respond(good());
        String assertion = xml.substring(xml.indexOf("<saml2:Assertion"), xml.indexOf("</saml2:Assertion>") + "</saml2:Assertion>".length());
        String evil = assertion.replaceAll("(?s)<ds:Signature.*</ds:Signature>", "").replace("alice@acme.com", "admin@acme.com");
        String moved = xml.replace(assertion, evil).replaceFirst("(<saml2p:Status)",
                "<saml2p:Extensions>" + java.util.regex.Matcher.quoteReplacement(assertion) + "</saml2p:Extensions>$1");
        Validation v = check(moved);
        assertFalse(v.accepted());
        assertTrue(v.failures().stream().anyMatch(s -> s.code() == SamlError.UNSIGNED || s.code() == SamlError.SIGNATURE_WRAPPING),
                v.steps().toString());
    }

    @Test
    void wrappingSignedAssertionInsideTheForgedOnesSignatureObject() {
        String xml = idp.respond(good());
        String assertion = xml.substring(xml.indexOf("<saml2:Assertion"), xml.indexOf("</saml2:Assertion>") + "</saml2:Assertion>".length());
        String signature = assertion.substring(assertion.indexOf("<ds:Signature"), assertion.indexOf("</ds:Signature>") + "</ds:Signature>".length());
        // the forged assertion keeps the original ID and carries the original, signed assertion in ds:Object
        String withObject = signature.replace("</ds:Signature>", "<ds:Object>" + assertion + "</ds:Object></ds:Signature>");
        String forged = assertion.replace(signature, withObject).replace("alice@acme.com</saml2:NameID>", "admin@acme.com</saml2:NameID>");
        assertRefused(check(xml.replace(assertion, forged)), SamlError.SIGNATURE_WRAPPING);
    }

    @Test
    void twoAssertions() {
        String xml = idp.respond(good());
        String assertion = xml.substring(xml.indexOf("<saml2:Assertion"), xml.indexOf("</saml2:Assertion>") + "</saml2:Assertion>".length());
        assertRefused(check(xml.replace(assertion, assertion + assertion)), SamlError.ASSERTION_COUNT);
    }

    @Test
    void aCommentInsideTheNameIdDoesNotCutItShort() {
        String xml = idp.respond(good().with(b -> { b.nameId = "admin@acme.com.evil.com"; b.attributes = Map.of(); return b; }));
        String commented = xml.replace(">admin@acme.com.evil.com<", ">admin@acme.com<!---->.evil.com<");
        Validation v = check(commented);
        assertTrue(v.accepted(), "comments are outside the signature, so it still verifies: " + v.steps());
        assertEquals("admin@acme.com.evil.com", v.identity().orElseThrow().subject(), "read whole, never as admin@acme.com");
    }

    @Test
    void doctypeAndExternalEntities() {
        String xml = idp.respond(good());
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + xml.replace("alice@acme.com</saml2:NameID>", "&x;</saml2:NameID>");
        assertRefused(check(xxe), SamlError.DOCTYPE_FORBIDDEN);
        String laughs = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>" + xml;
        assertRefused(check(laughs), SamlError.DOCTYPE_FORBIDDEN);
    }

    @Test
    void wrongDestinationRecipientAudienceIssuer() {
        assertRefused(check(idp.respond(good().with(b -> { b.destination = "https://evil.test/acs"; return b; }))), SamlError.WRONG_DESTINATION);
        assertRefused(check(idp.respond(good().with(b -> { b.recipient = "https://evil.test/acs"; return b; }))), SamlError.BAD_SUBJECT_CONFIRMATION);
        assertRefused(check(idp.respond(good().with(b -> { b.audience = "https://other-sp.test"; return b; }))), SamlError.WRONG_AUDIENCE);
        assertRefused(check(idp.respond(good().with(b -> { b.issuer = "https://evil.test/idp"; return b; }))), SamlError.WRONG_ISSUER);
    }

    @Test
    void allFindingsAtOnce() {
        Validation v = check(idp.respond(good().with(b -> { b.destination = "https://evil.test/acs"; b.audience = "x"; return b; })));
        assertTrue(v.failures().stream().map(Step::code).toList().containsAll(List.of(SamlError.WRONG_DESTINATION, SamlError.WRONG_AUDIENCE)),
                v.steps().toString());
    }

    @Test
    void expiredAndNotYetValidInsideAndOutsideTheSkew() {
        SigningIdp.Spec expiredBy30s = good().with(b -> { b.notOnOrAfter = NOW.minusSeconds(30); return b; });
        assertTrue(check(idp.respond(expiredBy30s)).accepted(), "30 s past NotOnOrAfter is inside the 60 s skew");
        SigningIdp.Spec expiredBy3m = good().with(b -> { b.notOnOrAfter = NOW.minusSeconds(180); b.assertionId = SigningIdp.newId(); return b; });
        Validation late = check(idp.respond(expiredBy3m));
        assertRefused(late, SamlError.EXPIRED);
        assertTrue(late.firstFailure().orElseThrow().message().contains("3 minutes ago")
                || late.failures().stream().anyMatch(s -> s.message().contains("180 seconds ago") || s.message().contains("3 minutes ago")), late.steps().toString());

        ledger.sent("test", "_req2", NOW.plus(Duration.ofMinutes(10)), browser);
        SigningIdp.Spec early30s = good().with(b -> { b.notBefore = NOW.plusSeconds(30); b.inResponseTo = "_req2"; return b; });
        assertTrue(check(idp.respond(early30s)).accepted(), "30 s before NotBefore is inside the skew");
        SigningIdp.Spec early3m = good().with(b -> { b.notBefore = NOW.plusSeconds(180); return b; });
        assertRefused(check(idp.respond(early3m)), SamlError.NOT_YET_VALID);
    }

    @Test
    void inResponseToWeNeverSentAndIdpInitiated() {
        assertRefused(check(idp.respond(good().with(b -> { b.inResponseTo = "_never-sent"; return b; }))), SamlError.UNKNOWN_REQUEST);
        assertRefused(check(idp.respond(good().with(b -> { b.inResponseTo = null; return b; }))), SamlError.UNKNOWN_REQUEST);
        IdpSettings idpInitiated = new IdpSettings("test", ISSUER, List.of(IDP_KEYS.certificate()), AttributeNames.DEFAULTS, false, true, IdpSettings.DEFAULT_SKEW);
        Validation v = new ResponseValidator(SAML, clock).validate(idp.respond(good().with(b -> { b.inResponseTo = null; return b; })),
                idpInitiated, SP, ledger, browser, true);
        assertTrue(v.accepted(), v.steps().toString());
    }

    @Test
    void aReplayedAssertionAndAnAnsweredRequest() {
        String xml = idp.respond(good());
        assertTrue(check(xml).accepted());
        Validation again = check(xml);
        assertRefused(again, SamlError.REPLAYED);
        assertRefused(again, SamlError.UNKNOWN_REQUEST);
    }

    @Test
    void aRefusedResponseBurnsNothing() {
        assertFalse(check(idp.respond(good().with(b -> { b.audience = "x"; return b; }))).accepted());
        assertTrue(check(idp.respond(good())).accepted(), "the request stays pending after a refused answer");
    }

    @Test
    void sha1IsRefusedUnlessTheIdpAllowsIt() {
        SigningIdp.Spec sha1 = good().with(b -> {
            b.signatureAlgorithm = SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA1;
            b.digestAlgorithm = SignatureConstants.ALGO_ID_DIGEST_SHA1;
            return b;
        });
        String xml = idp.respond(sha1);
        assertRefused(check(xml), SamlError.WEAK_ALGORITHM);
        Validation allowed = new ResponseValidator(SAML, clock).validate(xml, settings(true, IDP_KEYS.certificate()), SP, ledger, browser, true);
        assertTrue(allowed.accepted(), allowed.steps().toString());
    }

    @Test
    void aNonSuccessStatus() {
        assertRefused(check(idp.respond(good().with(b -> { b.status = "urn:oasis:names:tc:SAML:2.0:status:Responder"; return b; }))),
                SamlError.STATUS_NOT_SUCCESS);
    }

    @Test
    void entraGroupsOverageIsRefusedWithWhatToChange() {
        Validation v = check(idp.respond(good().with(b -> {
            b.attributes = Map.of(AttributeNames.ENTRA_GROUPS_OVERAGE, List.of("https://graph.microsoft.com/v1.0/users/x/getMemberObjects"));
            return b;
        })));
        assertRefused(v, SamlError.GROUPS_OVERAGE);
        assertTrue(v.firstFailure().orElseThrow().message().contains("Attributes & Claims"), v.steps().toString());
    }

    @Test
    void twoCertificatesDuringARotation() {
        SigningIdp newIdp = new SigningIdp(SAML, OTHER_KEYS);
        IdpSettings both = settings(false, IDP_KEYS.certificate(), OTHER_KEYS.certificate());
        IdpSettings newOnly = settings(false, OTHER_KEYS.certificate());
        ResponseValidator validator = new ResponseValidator(SAML, clock);
        for (String xml : List.of(idp.respond(good()), newIdp.respond(good()))) {
            SlotRequestLedger fresh = SlotRequestLedger.inMemory(10, clock);
            fresh.sent("test", REQUEST, NOW.plusSeconds(600), browser);
            assertTrue(validator.validate(xml, both, SP, fresh, browser, true).accepted(), "either certificate is accepted");
        }
        SlotRequestLedger fresh = SlotRequestLedger.inMemory(10, clock);
        fresh.sent("test", REQUEST, NOW.plusSeconds(600), browser);
        assertRefused(validator.validate(idp.respond(good()), newOnly, SP, fresh, browser, true), SamlError.BAD_SIGNATURE);
    }

    @Test
    void anEncryptedAssertionRoundTrip() {
        SigningIdp.Keys spKeys = SigningIdp.Keys.generate("sp");
        SpSettings sp = new SpSettings(SP.entityId(), SP.acsUrl(), Optional.of(new SpSettings.KeyPair(spKeys.key(), spKeys.certificate())));
        String xml = idp.respond(good().with(b -> { b.encryptFor = Optional.of(spKeys.certificate()); return b; }));
        assertTrue(xml.contains("EncryptedAssertion") && !xml.contains("alice@acme.com"), "the person is not readable in transit");
        Validation v = new ResponseValidator(SAML, clock).validate(xml, settings(false, IDP_KEYS.certificate()), sp, ledger, browser, true);
        assertTrue(v.accepted(), v.steps().toString());
        assertEquals("alice@acme.com", v.identity().orElseThrow().subject());

        SigningIdp.Keys otherSp = SigningIdp.Keys.generate("other-sp");
        String forOther = idp.respond(good().with(b -> { b.encryptFor = Optional.of(otherSp.certificate()); return b; }));
        assertRefused(new ResponseValidator(SAML, clock).validate(forOther, settings(false, IDP_KEYS.certificate()), sp, ledger, browser, true),
                SamlError.DECRYPTION_FAILED);
    }

    @Test
    void garbageIn() {
        assertRefused(check(""), SamlError.MALFORMED_RESPONSE);
        assertRefused(check("%%% not base64 %%%"), SamlError.MALFORMED_RESPONSE);
        assertRefused(check("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"), SamlError.MALFORMED_RESPONSE);
        assertRefused(check("<unclosed"), SamlError.MALFORMED_RESPONSE);
    }

    // ---- issue 11: what an attacker found ----

    static String assertionOf(String xml) {
        return xml.substring(xml.indexOf("<saml2:Assertion"), xml.indexOf("</saml2:Assertion>") + "</saml2:Assertion>".length());
    }

    /** The Response element's own InResponseTo (it comes first in the text), set to {@code id}: the unsigned part. */
    static String readdressed(String xml, String id) {
        int root = xml.indexOf("<saml2p:Response");
        int end = xml.indexOf('>', root);
        String start = xml.substring(root, end).replaceAll(" InResponseTo=\"[^\"]*\"", "");
        return xml.substring(0, root) + start + " InResponseTo=\"" + id + "\"" + xml.substring(end);
    }

    @Test
    void aSignedAssertionForOneRequestCannotAnswerAnother() {
        ledger.sent("test", "_spent", NOW.plusSeconds(600), browser);
        String forSpent = idp.respond(good().with(b -> { b.inResponseTo = "_spent"; return b; }));
        Validation v = check(readdressed(forSpent, REQUEST));
        assertRefused(v, SamlError.UNKNOWN_REQUEST);
        assertTrue(v.failures().stream().anyMatch(s -> s.message().contains("re-addressed")), v.steps().toString());
        assertTrue(check(forSpent).accepted(), "as issued, it answers its own request");
    }

    @Test
    void anIdpInitiatedAssertionCannotBePassedOffAsAnAnswerWhenIdpInitiatedIsOff() {
        String unsolicited = idp.respond(good().with(b -> { b.inResponseTo = null; return b; }));
        Validation v = check(readdressed(unsolicited, REQUEST));
        assertRefused(v, SamlError.UNKNOWN_REQUEST);
        assertTrue(v.failures().stream().anyMatch(s -> s.message().contains("nor a signature on the response")), v.steps().toString());
    }

    @Test
    void aSignedResponseMayNameTheRequestWhereItsAssertionDoesNot() {
        SigningIdp.Spec onlyOnTheResponse = good().with(b -> {
            b.signResponse = true; b.signAssertion = false; b.bearerNamesRequest = false; return b; });
        Validation v = check(idp.respond(onlyOnTheResponse));
        assertTrue(v.accepted(), "the IdP signed the Response's InResponseTo: " + v.steps());
        // but not when only the assertion is signed: then the Response's InResponseTo is the poster's
        ledger.sent("test", "_req3", NOW.plusSeconds(600), browser); // pending: only the signature can refuse it
        SigningIdp.Spec assertionOnly = good().with(b -> { b.bearerNamesRequest = false; b.inResponseTo = "_req3"; return b; });
        assertRefused(check(idp.respond(assertionOnly)), SamlError.UNKNOWN_REQUEST);
    }

    @Test
    void aResponseForARequestOfAnotherBrowserIsRefused() {
        BrowserBinding another = BrowserBinding.ofSecret(BrowserBinding.newSecret(new java.security.SecureRandom()));
        Validation v = new ResponseValidator(SAML, clock).validate(idp.respond(good()), settings(false, IDP_KEYS.certificate()),
                SP, ledger, another, true);
        assertRefused(v, SamlError.OTHER_BROWSER);
        assertRefused(new ResponseValidator(SAML, clock).validate(idp.respond(good()), settings(false, IDP_KEYS.certificate()),
                SP, ledger, BrowserBinding.NONE, true), SamlError.OTHER_BROWSER);
        assertTrue(check(idp.respond(good())).accepted(), "the browser that started it can still finish: nothing was spent");
    }

    @Test
    void rolesAreNotReadAsGroups() {
        Validation v = check(idp.respond(good().with(b -> {
            b.attributes = Map.of("email", List.of("alice@acme.com"), "Role", List.of("eng-developers", "offline_access"));
            return b;
        })));
        assertTrue(v.accepted(), v.steps().toString());
        assertEquals(List.of(), v.identity().orElseThrow().groups(), "Role is not the groups attribute, whatever it holds");
    }

    @Test
    void theUsernameAndEmailComeFromTheIdpsOwnAttributesOnly() {
        Validation v = check(idp.respond(good().with(b -> {
            b.attributes = Map.of("uid", List.of("alice"), "mail", List.of("bob@acme.com"), "groups", List.of("eng-developers"));
            return b;
        })));
        assertTrue(v.accepted(), v.steps().toString());
        assertEquals("", v.identity().orElseThrow().username(), "uid is not this IdP's username attribute");
        assertEquals("alice@acme.com", v.identity().orElseThrow().email(), "nor is mail its e-mail: the NameID is used");
    }

    @Test
    void theIdpsSessionEndBoundsTheSession() {
        Instant idpEnds = NOW.plus(Duration.ofMinutes(30));
        Validation v = check(idp.respond(good().with(b -> { b.sessionNotOnOrAfter = idpEnds; return b; })));
        assertTrue(v.accepted(), v.steps().toString());
        assertEquals(Optional.of(idpEnds), v.idpSessionEnds());
        Validation over = check(idp.respond(good().with(b -> {
            b.sessionNotOnOrAfter = NOW.minusSeconds(1); b.assertionId = SigningIdp.newId(); return b; })));
        assertRefused(over, SamlError.EXPIRED);
        assertTrue(over.failures().stream().anyMatch(s -> s.name().equals("idp session")), over.steps().toString());
    }

    @Test
    void everyAudienceRestrictionMustNameUs() {
        Validation v = check(idp.respond(good().with(b -> { b.otherAudience = "https://other-sp.test"; return b; })));
        assertRefused(v, SamlError.WRONG_AUDIENCE);
    }

    @Test
    void anExpiredBearerConfirmationIsRefusedWhileTheConditionsStillHold() {
        Validation v = check(idp.respond(good().with(b -> {
            b.notOnOrAfter = NOW.plus(Duration.ofHours(1)); b.bearerNotOnOrAfter = NOW.minusSeconds(120); return b; })));
        assertRefused(v, SamlError.EXPIRED);
        assertTrue(v.failures().stream().allMatch(s -> s.name().equals("subject confirmation")), v.steps().toString());
    }

    @Test
    void anExpiredConditionsWindowIsRefusedWhileTheBearerStillHolds() {
        Validation v = check(idp.respond(good().with(b -> {
            b.notOnOrAfter = NOW.minusSeconds(120); b.bearerNotOnOrAfter = NOW.plus(Duration.ofMinutes(5)); return b; })));
        assertRefused(v, SamlError.EXPIRED);
        assertTrue(v.failures().stream().allMatch(s -> s.name().equals("conditions time")), v.steps().toString());
    }

    @Test
    void anotherElementCarryingTheSignedIdIsRefused() {
        String xml = idp.respond(good());
        String id = assertionOf(xml).replaceAll("(?s)^<saml2:Assertion[^>]* ID=\"([^\"]+)\".*", "$1");
        String twin = xml.replaceFirst("(<saml2p:Status)", java.util.regex.Matcher.quoteReplacement(
                "<saml2p:Extensions><x:copy xmlns:x=\"urn:x\" ID=\"" + id + "\"/></saml2p:Extensions>") + "$1");
        assertRefused(check(twin), SamlError.SIGNATURE_WRAPPING);
    }

    @Test
    void aForgedAssertionCarryingTheOriginalsSignatureIsRefused() {
        // XSW: the untouched signed assertion moves into Extensions; a forged one with its own ID carries the
        // original's signature, which still verifies, because it references the moved original
        String xml = idp.respond(good());
        String original = assertionOf(xml);
        String forged = original.replaceFirst(" ID=\"[^\"]+\"", " ID=\"_forged\"").replace("alice@acme.com", "admin@acme.com");
        String wrapped = xml.replace(original, forged).replaceFirst("(<saml2p:Status)",
                java.util.regex.Matcher.quoteReplacement("<saml2p:Extensions>" + original + "</saml2p:Extensions>") + "$1");
        Validation v = check(wrapped);
        assertRefused(v, SamlError.SIGNATURE_WRAPPING);
        assertFalse(v.identity().isPresent());
    }

    @Test
    void aDoctypeIsRefusedBeforeTheParserSeesIt() {
        String xml = "<!DOCTYPE r [<!ENTITY x \"y\">]>" + idp.respond(good());
        Validation v = check(xml);
        assertRefused(v, SamlError.DOCTYPE_FORBIDDEN);
        assertEquals("decode", v.firstFailure().orElseThrow().name(), v.steps().toString());
    }

    @Test
    void theParserRefusesADoctypeOnItsOwn() {
        String xml = "<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>";
        assertThrows(net.shibboleth.utilities.java.support.xml.XMLParserException.class, () -> SAML.parse(xml));
    }
}
