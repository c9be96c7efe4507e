package saml2nats.saml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saml2nats saml inspect} on a real Okta response, at its own instant and a day later. */
class InspectCommandTest {
    static final Path FIXTURES = Path.of("../shared/fixtures/okta-encrypted").toAbsolutePath().normalize();

    @Test
    void showsEveryCheckAndItsVerdict(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, """
                public_url: http://localhost:8000
                nats: { user: x }
                accounts: [DEV]
                idps:
                  - id: okta
                    metadata_file: %s
                sp:
                  decryption_key_file: %s
                  decryption_certificate_file: %s
                """.formatted(FIXTURES.resolve("SignedResponseEncryptedAssertion.idp-metadata.xml"),
                FIXTURES.resolve("sp-key.pem"), FIXTURES.resolve("sp-cert.pem")));
        String file = FIXTURES.resolve("SignedResponseEncryptedAssertion.response.b64").toString();
        String[] common = {"saml", "inspect", file, "--config", config.toString(), "--idp", "okta",
                "--acs", "http://localhost:8000/saml/acs", "--sp-entity-id", "http://localhost:8000/saml/metadata"};

        Result ok = run(common, "--at", "2020-03-03T19:24:28Z");
        assertEquals(0, ok.code, ok.out + ok.err);
        assertTrue(ok.out.contains("subject:         testuser@testrsc.com"), ok.out);
        assertTrue(ok.out.contains("Username: FixedValue"), ok.out);
        assertTrue(ok.out.matches("(?s).*PASS signature\\s+response signed.*"), ok.out);
        assertTrue(ok.out.matches("(?s).*SKIP in response to.*"), ok.out);
        assertTrue(ok.out.contains("result: ACCEPTED"), ok.out);

        Result late = run(common, "--at", "2020-03-04T19:24:28Z");
        assertEquals(1, late.code);
        assertTrue(late.out.contains("FAIL conditions time") && late.out.contains("EXPIRED: the assertion expired 23 hours ago"), late.out);
        assertTrue(late.out.contains("result: REFUSED"), late.out);
    }

    @Test
    void theAcsAndSpEntityIdDefaultToTheConfiguredOnes(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        // the Okta fixtures were made for an SP at /saml/acs and /saml/metadata, not the /saml/{id}/... defaults
        Files.writeString(config, """
                public_url: http://localhost:8000
                nats: { user: x }
                accounts: [DEV]
                idps:
                  - id: okta
                    metadata_file: %s
                    sp_entity_id: http://localhost:8000/saml/metadata
                    acs_path: /saml/acs
                sp:
                  decryption_key_file: %s
                  decryption_certificate_file: %s
                """.formatted(FIXTURES.resolve("SignedResponseEncryptedAssertion.idp-metadata.xml"),
                FIXTURES.resolve("sp-key.pem"), FIXTURES.resolve("sp-cert.pem")));
        String file = FIXTURES.resolve("SignedResponseEncryptedAssertion.response.b64").toString();
        Result ok = run(new String[]{"saml", "inspect", file, "--config", config.toString(), "--idp", "okta"},
                "--at", "2020-03-03T19:24:28Z");
        assertEquals(0, ok.code, ok.out + ok.err);
        assertTrue(ok.out.contains("result: ACCEPTED"), ok.out);
        Result other = run(new String[]{"saml", "inspect", file, "--config", config.toString(), "--idp", "okta",
                "--sp-entity-id", "http://localhost:8000/saml/okta/metadata"}, "--at", "2020-03-03T19:24:28Z");
        assertEquals(1, other.code, "an option still overrides the config: " + other.out);
        assertTrue(other.out.contains("WRONG_AUDIENCE"), other.out);
    }

    record Result(int code, String out, String err) { }

    static Result run(String[] common, String... more) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.Arrays.stream(more)).toArray(String[]::new);
        int code = saml2nats.MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
