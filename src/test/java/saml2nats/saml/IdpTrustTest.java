package saml2nats.saml;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.config.Config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where an IdP's trust comes from: four certificate forms, a metadata file, a metadata URL that fails. */
class IdpTrustTest {
    static final OpenSaml SAML = new OpenSaml();
    static final Path OKTA_MD = Path.of("../shared/fixtures/okta-encrypted/SignedResponseEncryptedAssertion.idp-metadata.xml");

    @Test
    void theFourCertificateForms(@TempDir Path dir) throws Exception {
        X509Certificate cert = SigningIdp.Keys.generate("forms").certificate();
        String base64 = Base64.getEncoder().encodeToString(cert.getEncoded());
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Path file = dir.resolve("idp.pem");
        Files.writeString(file, pem);
        for (String form : List.of(file.toString(), pem, pem.replace("\n", "\\n"), base64)) {
            assertEquals(cert, Certificates.parse(form, "idps[acme]"), form);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Certificates.parse("not a cert", "idps[acme]"));
        assertTrue(e.getMessage().startsWith("idps[acme]: not a certificate"), e.getMessage());
    }

    static Config.Idp idp(Optional<Path> file, Optional<URI> url) {
        return new Config.Idp("okta", "Okta", java.util.Set.of(), "", "", "", List.of(), file, url, Duration.ofHours(1),
                Map.of(), List.of(), false, false, Duration.ofSeconds(60), saml2nats.config.IdpKind.OKTA, Optional.empty());
    }

    @Test
    void metadataFile() {
        try (IdpRegistry registry = new IdpRegistry(SAML, List.of(idp(Optional.of(OKTA_MD), Optional.empty())), (i, ok) -> { })) {
            IdentityProvider okta = registry.find("okta").orElseThrow();
            assertTrue(okta.trust().settings().entityId().startsWith("http://www.okta.com/"), okta.trust().settings().entityId());
            assertEquals(1, okta.trust().settings().certificates().size());
            assertTrue(okta.trust().ssoUrl().startsWith("https://"), okta.trust().ssoUrl());
        }
    }

    @Test
    void metadataUrlAndAFailedRefreshKeepsTheLastGoodCopy() throws Exception {
        byte[] metadata = Files.readAllBytes(OKTA_MD);
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metadata", ex -> {
            byte[] body = status.get() == 200 ? metadata : "down".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            Config.Idp config = idp(Optional.empty(), Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metadata")));
            List<Boolean> refreshes = new ArrayList<>();
            try (IdpRegistry registry = new IdpRegistry(SAML, List.of(config), (i, ok) -> refreshes.add(ok))) {
                IdentityProvider okta = registry.find("okta").orElseThrow();
                IdentityProvider.Trust first = okta.trust();
                registry.refreshNow(List.of(config));
                assertEquals(List.of(true), refreshes);

                status.set(500);
                registry.refreshNow(List.of(config));
                assertEquals(List.of(true, false), refreshes, "the failure is told (a metric)");
                assertEquals(first.settings().entityId(), okta.trust().settings().entityId(), "the last good copy stays");
                assertEquals(first.settings().certificates(), okta.trust().settings().certificates());
            }
            status.set(500);
            IllegalArgumentException atStart = assertThrows(IllegalArgumentException.class,
                    () -> new IdpRegistry(SAML, List.of(config), (i, ok) -> { }));
            assertTrue(atStart.getMessage().contains("HTTP 500"), atStart.getMessage());
        } finally {
            server.stop(0);
        }
    }
}
