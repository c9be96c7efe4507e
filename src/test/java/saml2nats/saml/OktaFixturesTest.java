package saml2nats.saml;

import saml2nats.config.Certificates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import saml2nats.testing.MutableClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Okta output ({@code ../shared/fixtures/okta-encrypted}, see its README): three
 * responses with encrypted assertions, signed on the Response, the Assertion, or both.
 */
class OktaFixturesTest {
    static final Path DIR = Path.of("../shared/fixtures/okta-encrypted");
    static final OpenSaml SAML = new OpenSaml();

    record Fixture(String posted, IdpSettings idp, SpSettings sp, String requestId, Instant at) { }

    static Fixture fixture(String name, String requestId, String at) throws Exception {
        IdpMetadata md = IdpMetadata.parse(SAML, Files.readString(DIR.resolve(name + ".idp-metadata.xml")), "okta");
        // this tenant sends its username as "Username": named once for the IdP, as attributes.username would
        IdpSettings idp = new IdpSettings("okta", md.entityId(), md.signingCertificates(),
                AttributeNames.DEFAULTS.deciding("email", "Username", "groups"),
                false, false, IdpSettings.DEFAULT_SKEW);
        SpSettings sp = new SpSettings("http://localhost:8000/saml/metadata", "http://localhost:8000/saml/acs",
                Optional.of(new SpSettings.KeyPair(Certificates.privateKey(DIR.resolve("sp-key.pem"), "sp"),
                        Certificates.parse(DIR.resolve("sp-cert.pem").toString(), "sp"))));
        return new Fixture(Files.readString(DIR.resolve(name + ".response.b64")).trim(), idp, sp, requestId, Instant.parse(at));
    }

    static Validation validate(Fixture f, String posted, Instant at) {
        MutableClock clock = new MutableClock(at);
        SlotRequestLedger ledger = SlotRequestLedger.inMemory(100, clock);
        BrowserBinding browser = BrowserBinding.ofSecret(BrowserBinding.newSecret(new java.security.SecureRandom()));
        ledger.sent("okta", f.requestId(), at.plus(Duration.ofMinutes(10)), browser);
        return new ResponseValidator(SAML, clock).validate(posted, f.idp(), f.sp(), ledger,
                browser, true);
    }

    @ParameterizedTest
    @CsvSource({
            "SignedResponseEncryptedAssertion, id-a7364d1e4432aa9085a7a8bd824ea2fa8fa8f684, 2020-03-03T19:24:28Z",
            "ResponseEncryptedSignedAssertion, id-6d976cdde8e76df5df0a8ff58148fc0b7ec6796d, 2020-03-03T19:31:55Z",
            "ResponseEncryptedAssertionBothSigned, id-953d4cab69ff475c5901d12e585b0bb15a7b85fe, 2020-03-03T19:40:54Z"})
    void acceptedAtItsInstantRefusedWhenChangedOrLate(String name, String requestId, String at) throws Exception {
        Fixture f = fixture(name, requestId, at);

        Validation ok = validate(f, f.posted(), f.at());
        assertTrue(ok.accepted(), name + ": " + ok.steps());
        assertEquals("testuser@testrsc.com", ok.identity().orElseThrow().subject());
        assertEquals(List.of("FixedValue"), ok.summary().attributes().get("Username"));
        assertEquals("FixedValue", ok.identity().orElseThrow().username(), "the IdP's username attribute");

        Validation dayLater = validate(f, f.posted(), f.at().plus(Duration.ofDays(1)));
        assertFalse(dayLater.accepted());
        assertTrue(dayLater.failures().stream().anyMatch(s -> s.code() == SamlError.EXPIRED), dayLater.steps().toString());

        String changed = changeSignedByte(f.posted());
        Validation tampered = validate(f, changed, f.at());
        assertFalse(tampered.accepted(), "one changed byte must be refused");
        assertTrue(tampered.failures().stream().anyMatch(s -> s.code() == SamlError.BAD_SIGNATURE
                || s.code() == SamlError.DECRYPTION_FAILED), tampered.steps().toString());
    }

    /** Changes one character inside the signed content (the Response's IssueInstant seconds, or the cipher text). */
    static String changeSignedByte(String posted) {
        String xml = new String(Base64.getMimeDecoder().decode(posted), StandardCharsets.UTF_8);
        int at = xml.indexOf("<saml2:Issuer");
        int text = xml.indexOf('>', at) + 1;
        // the Issuer text is covered by the Response signature when there is one; otherwise flip a cipher byte
        String changed = xml.substring(0, text) + "X" + xml.substring(text + 1);
        if (xml.contains("<ds:Signature") && xml.indexOf("<ds:Signature") < xml.indexOf("<saml2:EncryptedAssertion")) {
            return Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8));
        }
        int cipher = xml.lastIndexOf("<xenc:CipherValue>") + "<xenc:CipherValue>".length() + 20;
        char c = xml.charAt(cipher);
        String flipped = xml.substring(0, cipher) + (c == 'A' ? 'B' : 'A') + xml.substring(cipher + 1);
        return Base64.getEncoder().encodeToString(flipped.getBytes(StandardCharsets.UTF_8));
    }
}
