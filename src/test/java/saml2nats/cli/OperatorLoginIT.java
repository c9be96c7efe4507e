package saml2nats.cli;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.json.JsonObject;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.TestIdp;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In operator mode a client needs the sentinel creds beside its token: the page and the CLI hand them out. */
class OperatorLoginIT {
    @Test
    void loginWritesAContextWithSentinelCredsAndTokenThatConnects(@TempDir Path dir) throws Exception {
        TestIdp idp = new TestIdp();
        try (CalloutStack stack = CalloutStack.startOperator(dir, Mappings.MATRIX, true, idp.config(dir))) {
            String base = "http://127.0.0.1:" + stack.service.httpPort();
            HttpBrowser ann = idp.signIn(base, "ann@acme.test", "eng-developers");
            String page = ann.get("/").body();
            assertTrue(page.contains("--creds sentinel.creds --token s2n_"), page);
            assertTrue(ann.get("/sentinel.creds").body().contains("-----BEGIN NATS USER JWT-----"));

            Path home = dir.resolve("home");
            new Login(new ServiceClient(URI.create(base)), new NatsContext(home),
                    new PrintStream(new ByteArrayOutputStream()), new SecureRandom(), d -> Thread.sleep(d.toMillis()))
                    .withBrowser("op", ann.approvingCli("allow"));
            JsonObject context = JsonObject.parse(Files.readString(home.resolve("nats/context/op.json")));
            Path creds = Path.of(context.text("creds").orElseThrow());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
            try (Connection nc = Nats.connect(new Options.Builder().server(context.text("url").orElseThrow())
                    .authHandler(Nats.credentials(creds.toString())).token(context.text("token").orElseThrow().toCharArray())
                    .maxReconnects(0).build())) {
                var sub = nc.subscribe("dev.op");
                nc.flush(Duration.ofSeconds(2));
                nc.publish("dev.op", new byte[]{1});
                assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "the context connects into DEV with the grant");
            }
        }
    }
}
