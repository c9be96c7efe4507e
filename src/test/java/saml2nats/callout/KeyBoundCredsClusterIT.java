package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.cli.CredsFile;
import saml2nats.cli.Login;
import saml2nats.cli.NatsContext;
import saml2nats.cli.ServiceClient;
import saml2nats.json.JsonObject;
import saml2nats.session.AccessToken;
import saml2nats.session.Ending;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.TestIdp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three operator-mode servers with full resolvers: the service pushes the revocation through the one
 * it is connected to (n1), and the creds connection on n3 is closed by n3, and n2 refuses the creds.
 */
class KeyBoundCredsClusterIT {
    @Test
    void aRevocationPushedThroughOneServerClosesTheConnectionOnAnotherAndEveryServerRefusesTheKey(@TempDir Path dir)
            throws Exception {
        TestIdp idp = new TestIdp();
        try (CalloutStack stack = CalloutStack.startOperator(dir, Mappings.MATRIX, false, false, idp.config(dir), true, 3)) {
            String base = "http://127.0.0.1:" + stack.service.httpPort();
            HttpBrowser ann = idp.signIn(base, "ann@acme.test", "eng-developers");
            NatsContext contexts = new NatsContext(dir.resolve("home"));
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            ServiceClient.Answer token = new Login(new ServiceClient(URI.create(base)), contexts, quiet, new SecureRandom(),
                    d -> Thread.sleep(d.toMillis())).withBrowser("ann", ann.approvingCli("allow"));
            new CredsFile(new ServiceClient(URI.create(base)), contexts, quiet).create("ann", token.text("token"), new SecureRandom());
            Path creds = Path.of(JsonObject.parse(Files.readString(contexts.natsFile("ann"))).text("creds").orElseThrow());

            Connection onN3 = Nats.connect(options(creds).server(stack.cluster.get(2).url()).build());
            try {
                var sub = onN3.subscribe("dev.cluster");
                onN3.flush(Duration.ofSeconds(2));
                onN3.publish("dev.cluster", new byte[]{1});
                assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "connected on n3 with the creds");
                long ended = System.nanoTime();
                stack.service.sessions().end(AccessToken.hash(token.text("token")), new Ending(Ending.Cause.SIGN_OUT, "ann"));
                assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> onN3.getStatus() == Connection.Status.CLOSED),
                        "n3 closed the revoked key's connection");
                System.out.println("revocation on a three-server cluster: session end to n3's close in "
                        + (System.nanoTime() - ended) / 1_000_000 + " ms");
            } finally {
                onN3.close();
            }
            for (int n = 0; n < 3; n++) {
                String url = stack.cluster.get(n).url();
                assertThrows(IOException.class, () -> Nats.connect(options(creds).server(url).build()),
                        "server n" + (n + 1) + " refuses the revoked creds");
            }
        }
    }

    static Options.Builder options(Path creds) {
        return new Options.Builder().authHandler(Nats.credentials(creds.toString())).maxReconnects(0)
                .ignoreDiscoveredServers().connectionTimeout(Duration.ofSeconds(3));
    }
}
