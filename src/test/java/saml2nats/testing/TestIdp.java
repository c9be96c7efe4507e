package saml2nats.testing;

import saml2nats.saml.OpenSaml;
import saml2nats.saml.SigningIdp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** An OpenSAML-signing test IdP (id {@code test}) and the service config lines that trust it. */
public final class TestIdp {
    public static final String ENTITY = "https://idp.test/metadata";
    /** The public_url of stacks that do not pick an HTTP port (what AuthnRequests name). */
    public static final String PUBLIC = "http://localhost:8080";

    public final SigningIdp idp;

    public TestIdp() {
        this(java.time.Duration.ofDays(365));
    }

    /** An IdP whose signing certificate expires {@code certificateValidFor} from now. */
    public TestIdp(java.time.Duration certificateValidFor) {
        idp = new SigningIdp(new OpenSaml(), SigningIdp.Keys.generate("test-idp", certificateValidFor));
    }

    /** Writes the IdP's certificate into {@code dir} and returns the {@code idps:} block naming it. */
    public String config(Path dir) throws Exception {
        Path pem = dir.resolve("idp.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(idp.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return """
                idps:
                  - id: test
                    label: Test Company
                    entity_id: %s
                    sso_url: https://idp.test/sso
                    certificates: [%s]
                """.formatted(ENTITY, pem);
    }

    /** A browser at {@code base}, signed in through this IdP. */
    public HttpBrowser signIn(String base, String email, String... groups) throws Exception {
        return new HttpBrowser(base).signIn(idp, "test", ENTITY, PUBLIC, email, java.util.List.of(groups));
    }
}
