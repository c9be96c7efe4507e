package saml2nats.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.Saml2Nats;
import saml2nats.saml.SigningIdp;
import saml2nats.testing.NatsServerProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service started on a config whose files sit beside it, given by relative paths, while the
 * working directory is elsewhere: each one (mapping, keys, certificates, audit log) is read or
 * written there, as the shipped config promises ("paths are relative to this file").
 */
class ConfigPathsIT {
    @Test
    void theServiceReadsAndWritesEveryFileBesideItsConfig(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path cwd = Path.of("").toAbsolutePath();
        assertFalse(etc.startsWith(cwd), "the working directory is elsewhere");
        SigningIdp.Keys idp = SigningIdp.Keys.generate("idp");
        SigningIdp.Keys sp = SigningIdp.Keys.generate("sp");
        Files.writeString(etc.resolve("idp.pem"), ConfigLoaderTest.pem(idp.certificate()));
        Files.writeString(etc.resolve("sp.key"), ConfigLoaderTest.pem(sp.key()));
        Files.writeString(etc.resolve("sp.pem"), ConfigLoaderTest.pem(sp.certificate()));
        Files.writeString(etc.resolve("issuer.nk"), ConfigLoaderTest.accountSeed());
        Files.writeString(etc.resolve("mapping.yaml"), Files.readString(Path.of("config/mapping.yaml")));
        try (NatsServerProcess server = NatsServerProcess.start(dir, "")) {
            Path cfg = etc.resolve("saml2nats.yaml");
            Files.writeString(cfg, """
                    http_port: 0
                    nats: { url: %s, user: saml2nats }
                    callout: { issuer_seed_file: issuer.nk }
                    accounts: [DEV, OPS]
                    policy: { file: mapping.yaml }
                    audit_log: logs/audit.jsonl
                    sp: { signing_key_file: sp.key, signing_certificate_file: sp.pem }
                    idps:
                      - id: acme
                        entity_id: https://idp.acme.test/metadata
                        sso_url: https://idp.acme.test/sso
                        certificates: [idp.pem]
                    """.formatted(server.url()));
            try (Saml2Nats service = Saml2Nats.start(new ConfigLoader(Map.of()).load(cfg), Clock.systemUTC())) {
                assertTrue(Files.exists(etc.resolve("logs/audit.jsonl")), "the audit log opened beside the config");
                assertFalse(Files.exists(cwd.resolve("logs/audit.jsonl")), "not in the working directory");
            }
        }
    }
}
