package saml2nats.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.json.JsonObject;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Context files as the nats CLI reads them, on a real file system. */
class NatsContextTest {
    static final String TOKEN = "s2n_" + "A".repeat(43);

    @Test
    void writesTheNatsCliFormatReadableByTheOwnerOnly(@TempDir Path home) throws Exception {
        NatsContext contexts = new NatsContext(home);
        contexts.write("work", new NatsContext.Entry("nats://nats.example:4222", TOKEN, URI.create("https://login.example/")),
                "saml2nats: alice@example.com");
        Path file = home.resolve("nats/context/work.json");
        JsonObject json = JsonObject.parse(Files.readString(file));
        assertEquals("nats://nats.example:4222", json.text("url").orElse(null));
        assertEquals(TOKEN, json.text("token").orElse(null));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                home.resolve("saml2nats/context/work.json"))));
        NatsContext.Entry back = contexts.read("work").orElseThrow();
        assertEquals(URI.create("https://login.example/"), back.service());
        assertFalse(back.toString().contains(TOKEN), "the token never appears in a toString");
    }

    @Test
    void keepsFieldsItDoesNotOwnAndForgetsOnlyTheToken(@TempDir Path home) throws Exception {
        Path file = home.resolve("nats/context/work.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"url\":\"nats://old:4222\",\"jetstream_domain\":\"hub\",\"ca\":\"/etc/ca.pem\"}");
        NatsContext contexts = new NatsContext(home);
        contexts.write("work", new NatsContext.Entry("nats://new:4222", TOKEN, URI.create("http://localhost:8080/")), "d");
        JsonObject m = JsonObject.parse(Files.readString(file));
        assertEquals("hub", m.text("jetstream_domain").orElse(null));
        assertEquals("/etc/ca.pem", m.text("ca").orElse(null));
        assertEquals("nats://new:4222", m.text("url").orElse(null));

        contexts.forgetToken("work");
        m = JsonObject.parse(Files.readString(file));
        assertFalse(m.keys().contains("token"));
        assertEquals("nats://new:4222", m.text("url").orElse(null), "the server stays, so a new login refills the same context");
        assertEquals("", contexts.read("work").orElseThrow().token());
    }

    @Test
    void refusesBadNamesAndSaysWhatIsWrongWithABrokenFile(@TempDir Path home) throws Exception {
        NatsContext contexts = new NatsContext(home);
        for (String bad : new String[]{"../etc/passwd", ".hidden", "a/b", "", "x".repeat(65)}) {
            CliException e = assertThrows(CliException.class, () -> contexts.read(bad));
            assertTrue(e.getMessage().contains("not a usable context name"), e.getMessage());
        }
        Path file = home.resolve("nats/context/broken.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"url\": ");
        CliException e = assertThrows(CliException.class, () -> contexts.read("broken"));
        assertTrue(e.getMessage().contains("broken.json is not valid JSON") && e.getMessage().contains("fix or remove it"),
                e.getMessage());
    }

    @Test
    void followsXdgConfigHome(@TempDir Path home) {
        assertEquals(home.resolve("nats/context/x.json"),
                NatsContext.fromEnvironment(Map.of("XDG_CONFIG_HOME", home.toString())).natsFile("x"));
    }
}
