package saml2nats.saml;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectBindingTest {
    static final OpenSaml SAML = new OpenSaml();

    @Test
    void authnRequestsAreSignedWhenTheSpHasAKey() {
        SigningIdp.Keys spKeys = SigningIdp.Keys.generate("sp");
        SigningIdp.Keys idpKeys = SigningIdp.Keys.generate("idp");
        IdpSettings settings = new IdpSettings("acme", "https://idp", List.of(idpKeys.certificate()), AttributeNames.DEFAULTS,
                false, false, IdpSettings.DEFAULT_SKEW);
        IdentityProvider idp = new IdentityProvider("acme", "Acme", List.of(), Set.of(),
                new IdentityProvider.Trust(settings, "https://idp/sso", ""));
        ServiceProvider signed = new ServiceProvider(SAML, URI.create("https://sp"), Optional.of(new SpSettings.KeyPair(spKeys.key(), spKeys.certificate())), Optional.empty());
        String url = ((Outbound.Redirect) signed.authnRequest(idp, "/", Instant.now()).to()).url();
        String query = url.substring(url.indexOf('?') + 1);
        assertTrue(query.contains("&SigAlg=") && query.contains("&Signature="), url);
        assertDoesNotThrow(() -> RedirectBinding.verify(query, "SAMLRequest", List.of(spKeys.certificate())));
        assertThrows(IllegalArgumentException.class, () -> RedirectBinding.verify(query, "SAMLRequest", List.of(idpKeys.certificate())));
        assertThrows(IllegalArgumentException.class, () -> RedirectBinding.verify(query.replace("RelayState=%2F", "RelayState=%2Fx"),
                "SAMLRequest", List.of(spKeys.certificate())), "a changed parameter breaks the signature");

        ServiceProvider unsigned = new ServiceProvider(SAML, URI.create("https://sp"), Optional.empty(), Optional.empty());
        String plain = ((Outbound.Redirect) unsigned.authnRequest(idp, "/", Instant.now()).to()).url();
        assertTrue(!plain.contains("Signature=") && RedirectBinding.inflate(RedirectBinding.param(plain.substring(plain.indexOf('?') + 1), "SAMLRequest"))
                .contains("AssertionConsumerServiceURL=\"https://sp/saml/acme/acs\""), plain);
    }

    @Test
    void inflatingIsBounded() {
        byte[] zeros = new byte[10 * 1024 * 1024];
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(zeros);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        String bomb = Base64.getEncoder().encodeToString(out.toByteArray());
        assertTrue(bomb.length() < 20_000, "10 MiB squeezed into " + bomb.length() + " characters");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedirectBinding.inflate(bomb));
        assertTrue(e.getMessage().contains("inflates past"), e.getMessage());
        assertEquals("<x/>", RedirectBinding.inflate(RedirectBinding.deflate("<x/>")));
        assertThrows(IllegalArgumentException.class, () -> RedirectBinding.inflate("bm90IGRlZmxhdGU="));
    }
}
