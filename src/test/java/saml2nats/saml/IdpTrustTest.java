package saml2nats.saml;

import saml2nats.config.Certificates;
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
        return idp(file, url, saml2nats.config.IdpKind.OKTA, Map.of(), Optional.empty());
    }

    static Config.Idp idp(Optional<Path> file, Optional<URI> url, saml2nats.config.IdpKind kind,
                          Map<String, List<String>> attributes, Optional<String> metadataSigner) {
        return new Config.Idp("okta", "Okta", java.util.Set.of(), "", "", "", List.of(), file, url, Duration.ofHours(1),
                attributes, List.of(), false, false, Duration.ofSeconds(60), kind, metadataSigner);
    }

    static String pem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void signedMetadataIsTakenOnlyWithAValidSignatureByTheConfiguredCertificate(@TempDir Path dir) throws Exception {
        SigningIdp.Keys publisher = SigningIdp.Keys.generate("metadata-signer");
        String signed = new SigningIdp(SAML, publisher).signMetadata(Files.readString(OKTA_MD));
        Path good = Files.writeString(dir.resolve("signed.xml"), signed);
        Optional<String> signer = Optional.of(pem(publisher.certificate()));
        try (IdpRegistry r = new IdpRegistry(SAML, List.of(idp(Optional.of(good), Optional.empty(),
                saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok) -> { })) {
            assertTrue(r.find("okta").orElseThrow().trust().settings().entityId().startsWith("http://www.okta.com/"));
        }
        // an attacker on the way swaps the IdP's signing certificate for their own
        String swapped = signed.replaceFirst("(<ds:X509Certificate>)[^<]+(</ds:X509Certificate>\\s*</ds:X509Data>\\s*</ds:KeyInfo>\\s*</md:KeyDescriptor>)",
                "$1" + Base64.getEncoder().encodeToString(SigningIdp.Keys.generate("evil").certificate().getEncoded()) + "$2");
        for (String[] c : List.of(new String[]{Files.readString(OKTA_MD), "not signed"},
                new String[]{swapped, "does not verify"},
                new String[]{new SigningIdp(SAML, SigningIdp.Keys.generate("other")).signMetadata(Files.readString(OKTA_MD)), "does not verify"})) {
            Path file = Files.writeString(dir.resolve("m" + c[1].hashCode() + Math.abs(c[0].hashCode()) + ".xml"), c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IdpRegistry(SAML,
                    List.of(idp(Optional.of(file), Optional.empty(), saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok) -> { }));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        assertTrue(!swapped.equals(signed), "the swap changed the certificate");
        String expired = new SigningIdp(SAML, publisher).signMetadata(Files.readString(OKTA_MD)
                .replaceFirst("<md:EntityDescriptor ", "<md:EntityDescriptor validUntil=\"2020-01-01T00:00:00Z\" "));
        Path old = Files.writeString(dir.resolve("old.xml"), expired);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IdpRegistry(SAML,
                List.of(idp(Optional.of(old), Optional.empty(), saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok) -> { }));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void groupsComeFromOneAttributeChosenPerIdp() {
        Optional<Path> md = Optional.of(OKTA_MD);
        try (IdpRegistry entra = new IdpRegistry(SAML, List.of(idp(md, Optional.empty(), saml2nats.config.IdpKind.ENTRA,
                Map.of(), Optional.empty())), (i, ok) -> { });
             IdpRegistry named = new IdpRegistry(SAML, List.of(idp(md, Optional.empty(), saml2nats.config.IdpKind.KEYCLOAK,
                     Map.of("groups", List.of("memberOf")), Optional.empty())), (i, ok) -> { })) {
            AttributeNames e = entra.find("okta").orElseThrow().trust().settings().attributes();
            assertEquals("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", e.groups());
            assertEquals("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", e.username());
            assertEquals("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", e.email());
            AttributeNames k = named.find("okta").orElseThrow().trust().settings().attributes();
            assertEquals("memberOf", k.groups());
            assertEquals("username", k.username());
        }
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
