package saml2nats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands as a person runs them: exit codes and what they print. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkPassesTheExampleAndFailsABadFileWithLines(@TempDir Path dir) throws Exception {
        assertEquals(0, run("check", "config/mapping.yaml", "--config", "config/saml2nats.yaml"), err());
        assertTrue(out().contains("OK, 3 roles"), out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("config/mapping.yaml")).replace("account: OPS", "account: PROD"));
        assertEquals(1, run("check", bad.toString(), "--config", "config/saml2nats.yaml"));
        assertTrue(err().contains(bad + ":24:") && err().contains("UNKNOWN_ACCOUNT"), err());
    }

    @Test
    void explainPrintsTheGrantAndItsRoles() throws Exception {
        assertEquals(0, run("explain", "--policy", "config/mapping.yaml", "--groups", "eng-developers",
                "--email", "alice@example.com", "--username", "alice"));
        assertTrue(out().contains("account:   DEV"), out());
        assertTrue(out().matches("(?s).*user\\.dev\\.alice\\.>\\s+from developers.*"), out());
        out.reset();
        assertEquals(0, run("explain", "--policy", "config/mapping.yaml", "--groups", "audit", "--username", "carol"));
        assertTrue(out().contains("publish:   nothing: no role of yours allows it"), "a closed direction says so: " + out());
        out.reset();
        assertEquals(0, run("explain", "--policy", "config/mapping.yaml", "--groups", "eng-developers",
                "--email", "alice@example.com"));
        assertTrue(out().contains("{{username}} is empty"), "no username is made up from the e-mail: " + out());
        out.reset();
        assertEquals(0, run("explain", "--policy", "config/mapping.yaml", "--groups", "sales"));
        assertTrue(out().startsWith("DENIED (NO_MATCHING_ROLE)"), out());
    }

    @Test
    void keysInitWritesOwnerOnlyFilesAndPrintsTheBlock(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        assertEquals(0, run("keys", "init", keys.toString()));
        for (String f : new String[]{"issuer.nk", "xkey.xk", "nats-password"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(f))), f);
        }
        String seed = Files.readString(keys.resolve("issuer.nk")).trim();
        assertTrue(seed.startsWith("SA"), "an account seed");
        assertTrue(Files.readString(keys.resolve("xkey.xk")).startsWith("SX"));
        String block = out();
        assertTrue(block.contains("auth_callout") && block.matches("(?s).*issuer: A[A-Z2-7]{55}.*") && block.matches("(?s).*xkey: X[A-Z2-7]{55}.*"), block);
        assertTrue(!block.contains(seed), "the seed is never printed");

        out.reset();
        assertEquals(0, run("keys", "init", keys.toString()));
        // the bcrypt hashes take a fresh salt; the keys and password files stay
        java.util.function.Function<String, String> withoutHashes = t -> t.replaceAll("\\$2a\\$11\\$[./A-Za-z0-9]{53}", "HASH");
        assertEquals(withoutHashes.apply(block), withoutHashes.apply(out()), "a second run keeps the existing keys");
    }

    @Test
    void generatedPasswordsAreSafeAsNatsConfigValues() {
        var random = new java.security.SecureRandom();
        for (int i = 0; i < 200; i++) {
            String p = saml2nats.callout.KeysInit.password(random);
            assertTrue(p.matches("pw[0-9a-f]{48}"), p);
        }
    }

    @Test
    void unknownCommandsShowUsage() throws Exception {
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'") && err().contains("usage:"), err());
    }
}
