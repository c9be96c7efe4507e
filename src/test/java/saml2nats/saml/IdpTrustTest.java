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

    /** No metadata is ever cached here: the folder cannot be made (a file is in the way). */
    static final Path NO_CACHE = Path.of("pom.xml", "metadata-cache");

    static Config.Idp idp(Optional<Path> file, Optional<URI> url) {
        return idp(file, url, saml2nats.config.IdpKind.OKTA, Map.of(), Optional.empty());
    }

    static Config.Idp idp(Optional<Path> file, Optional<URI> url, saml2nats.config.IdpKind kind,
                          Map<String, List<String>> attributes, Optional<String> metadataSigner) {
        return idp(file, url, kind, attributes, metadataSigner, NO_CACHE);
    }

    static Config.Idp idp(Optional<Path> file, Optional<URI> url, saml2nats.config.IdpKind kind,
                          Map<String, List<String>> attributes, Optional<String> metadataSigner, Path cacheDir) {
        return new Config.Idp("okta", "Okta", java.util.Set.of(), "", "", "", List.of(), file, url, Duration.ofHours(1),
                attributes, List.of(), false, false, Duration.ofSeconds(60), kind, metadataSigner, cacheDir, Optional.empty(),
                Optional.empty());
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
                saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok, why) -> { })) {
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
                    List.of(idp(Optional.of(file), Optional.empty(), saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok, why) -> { }));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        assertTrue(!swapped.equals(signed), "the swap changed the certificate");
        String expired = new SigningIdp(SAML, publisher).signMetadata(Files.readString(OKTA_MD)
                .replaceFirst("<md:EntityDescriptor ", "<md:EntityDescriptor validUntil=\"2020-01-01T00:00:00Z\" "));
        Path old = Files.writeString(dir.resolve("old.xml"), expired);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IdpRegistry(SAML,
                List.of(idp(Optional.of(old), Optional.empty(), saml2nats.config.IdpKind.OKTA, Map.of(), signer)), (i, ok, why) -> { }));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void groupsComeFromOneAttributeChosenPerIdp() {
        Optional<Path> md = Optional.of(OKTA_MD);
        try (IdpRegistry entra = new IdpRegistry(SAML, List.of(idp(md, Optional.empty(), saml2nats.config.IdpKind.ENTRA,
                Map.of(), Optional.empty())), (i, ok, why) -> { });
             IdpRegistry named = new IdpRegistry(SAML, List.of(idp(md, Optional.empty(), saml2nats.config.IdpKind.KEYCLOAK,
                     Map.of("groups", List.of("memberOf")), Optional.empty())), (i, ok, why) -> { })) {
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
        try (IdpRegistry registry = new IdpRegistry(SAML, List.of(idp(Optional.of(OKTA_MD), Optional.empty())), (i, ok, why) -> { })) {
            IdentityProvider okta = registry.find("okta").orElseThrow();
            assertTrue(okta.trust().settings().entityId().startsWith("http://www.okta.com/"), okta.trust().settings().entityId());
            assertEquals(1, okta.trust().settings().certificates().size());
            Endpoint sso = okta.trust().sso().preferred().orElseThrow();
            assertTrue(sso.url().startsWith("https://"), sso.url());
            assertEquals(Binding.REDIRECT, sso.binding(), "Okta offers HTTP-POST and HTTP-Redirect: Redirect is taken");
            assertTrue(okta.trust().sso().post().isPresent());
        }
    }

    /** A metadata URL on loopback serving {@code body} with {@code status}. */
    record MetadataServer(HttpServer server, AtomicInteger status, java.util.concurrent.atomic.AtomicReference<byte[]> body)
            implements AutoCloseable {
        static MetadataServer start(byte[] metadata) throws Exception {
            AtomicInteger status = new AtomicInteger(200);
            var body = new java.util.concurrent.atomic.AtomicReference<>(metadata);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/metadata", ex -> {
                byte[] b = status.get() == 200 ? body.get() : "down".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status.get(), b.length);
                ex.getResponseBody().write(b);
                ex.close();
            });
            server.start();
            return new MetadataServer(server, status, body);
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metadata");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void metadataUrlAndAFailedRefreshKeepsTheLastGoodCopy(@TempDir Path dir) throws Exception {
        try (MetadataServer md = MetadataServer.start(Files.readAllBytes(OKTA_MD))) {
            Config.Idp config = idp(Optional.empty(), Optional.of(md.url()), saml2nats.config.IdpKind.OKTA, Map.of(),
                    Optional.empty(), dir.resolve("cache"));
            List<Boolean> refreshes = new ArrayList<>();
            try (IdpRegistry registry = new IdpRegistry(SAML, List.of(config), (i, ok, why) -> refreshes.add(ok))) {
                IdentityProvider okta = registry.find("okta").orElseThrow();
                IdentityProvider.Trust first = okta.trust();
                registry.refreshNow(List.of(config));
                assertEquals(List.of(true), refreshes);

                md.status().set(500);
                registry.refreshNow(List.of(config));
                assertEquals(List.of(true, false), refreshes, "the failure is told (a metric)");
                assertEquals(first.settings().entityId(), okta.trust().settings().entityId(), "the last good copy stays");
                assertEquals(first.settings().certificates(), okta.trust().settings().certificates());
            }
        }
    }

    /** What the service logs (slf4j-simple writes to System.err) while {@code run} runs. */
    static String logOf(org.junit.jupiter.api.function.Executable run) throws Throwable {
        java.io.PrintStream was = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            run.execute();
        } finally {
            System.setErr(was);
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMetadataUrlThatIsDownAtStartStartsFromTheLastGoodCopyOnDisk(@TempDir Path dir) throws Throwable {
        SigningIdp.Keys publisher = SigningIdp.Keys.generate("metadata-signer");
        SigningIdp signer = new SigningIdp(SAML, publisher);
        String signed = signer.signMetadata(Files.readString(OKTA_MD));
        Path cache = dir.resolve("cache");
        MetadataServer md = MetadataServer.start(signed.getBytes(StandardCharsets.UTF_8));
        Config.Idp config = idp(Optional.empty(), Optional.of(md.url()), saml2nats.config.IdpKind.OKTA, Map.of(),
                Optional.of(pem(publisher.certificate())), cache);
        IdpSettings fresh;
        try (IdpRegistry registry = new IdpRegistry(SAML, List.of(config), (i, ok, why) -> { })) {
            fresh = registry.find("okta").orElseThrow().trust().settings();
        } finally {
            md.close();
        }
        Path copy = MetadataCache.file(cache, "okta", md.url());
        assertEquals(signed, Files.readString(copy), "the verified copy is kept");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        try (var left = Files.list(cache)) {
            assertEquals(List.of(copy), left.toList(), "no temporary file is left beside it");
        }

        // the IdP is down now: the service starts from that copy, and says so
        String log = logOf(() -> {
            try (IdpRegistry registry = new IdpRegistry(SAML, List.of(config), (i, ok, why) -> { })) {
                IdpSettings started = registry.find("okta").orElseThrow().trust().settings();
                assertEquals(fresh.entityId(), started.entityId());
                assertEquals(fresh.certificates(), started.certificates());
            }
        });
        assertTrue(log.contains("WARN") && log.contains("IdP 'okta'") && log.contains(md.url().toString())
                && log.contains("ConnectException") && log.contains(copy.toString()) && log.contains("ago"), log);

        // a copy is verified as a fresh fetch is: changed on disk, or past its validUntil, it is not started from
        Files.writeString(copy, signed.replaceFirst("(<ds:X509Certificate>)[^<]+(</ds:X509Certificate>\\s*</ds:X509Data>\\s*</ds:KeyInfo>\\s*</md:KeyDescriptor>)",
                "$1" + Base64.getEncoder().encodeToString(SigningIdp.Keys.generate("evil").certificate().getEncoded()) + "$2"));
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
                () -> new IdpRegistry(SAML, List.of(config), (i, ok, why) -> { }));
        assertTrue(changed.getMessage().contains("does not verify") && changed.getMessage().contains("cached copy"),
                changed.getMessage());
        Files.writeString(copy, signer.signMetadata(Files.readString(OKTA_MD)
                .replaceFirst("<md:EntityDescriptor ", "<md:EntityDescriptor validUntil=\"2020-01-01T00:00:00Z\" ")));
        IllegalArgumentException expired = assertThrows(IllegalArgumentException.class,
                () -> new IdpRegistry(SAML, List.of(config), (i, ok, why) -> { }));
        assertTrue(expired.getMessage().contains("expired at 2020-01-01T00:00:00Z"), expired.getMessage());
    }

    @Test
    void withNoCopyToStartFromTheErrorNamesTheIdpTheSettingTheUrlAndTheCause(@TempDir Path dir) throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI refused = URI.create("http://127.0.0.1:" + closed + "/metadata");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IdpRegistry(SAML,
                List.of(idp(Optional.empty(), Optional.of(refused), saml2nats.config.IdpKind.OKTA, Map.of(), Optional.empty(),
                        dir)), (i, ok, why) -> { }));
        assertTrue(e.getMessage().startsWith("idps[okta].metadata_url: " + refused + " cannot be fetched (ConnectException")
                && e.getMessage().contains("no copy of it is cached in " + dir + " (metadata_cache_dir)"), e.getMessage());

        try (MetadataServer md = MetadataServer.start(Files.readAllBytes(OKTA_MD))) {
            md.status().set(500);
            IllegalArgumentException failing = assertThrows(IllegalArgumentException.class, () -> new IdpRegistry(SAML,
                    List.of(idp(Optional.empty(), Optional.of(md.url()), saml2nats.config.IdpKind.OKTA, Map.of(),
                            Optional.empty(), dir)), (i, ok, why) -> { }));
            assertTrue(failing.getMessage().contains(md.url() + " cannot be fetched (it answered HTTP 500)"), failing.getMessage());
        }
    }

    @Test
    void aCacheFolderThatCannotBeMadeIsToldOnceAndNothingIsWritten(@TempDir Path dir) throws Throwable {
        Path inTheWay = Files.writeString(dir.resolve("a-file"), "not a folder");
        try (MetadataServer md = MetadataServer.start(Files.readAllBytes(OKTA_MD))) {
            Config.Idp config = idp(Optional.empty(), Optional.of(md.url()), saml2nats.config.IdpKind.OKTA, Map.of(),
                    Optional.empty(), inTheWay.resolve("cache"));
            String log = logOf(() -> {
                try (IdpRegistry registry = new IdpRegistry(SAML, List.of(config), (i, ok, why) -> { })) {
                    registry.refreshNow(List.of(config));
                    registry.refreshNow(List.of(config));
                    assertTrue(registry.find("okta").isPresent(), "the service runs on without a cache");
                }
            });
            assertEquals(1, log.split("metadata_cache_dir " + java.util.regex.Pattern.quote(inTheWay.resolve("cache").toString())
                    + " cannot be written", -1).length - 1, log);
            assertEquals("not a folder", Files.readString(inTheWay));
        }
    }
}
