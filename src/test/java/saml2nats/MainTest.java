package saml2nats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(1, run("explain", "--policy", "config/mapping.yaml", "--groups", "eng-developers",
                "--email", "alice@example.com"), "denied");
        assertTrue(out().contains("{{username}} is empty"), "no username is made up from the e-mail: " + out());
    }

    @Test
    void explainExitsOneWhenThePersonIsDenied() throws Exception {
        assertEquals(1, run("explain", "--policy", "config/mapping.yaml", "--groups", "sales"));
        assertTrue(out().startsWith("DENIED (NO_MATCHING_ROLE)"), "the DENIED line is still printed: " + out());
        assertEquals("", err());
    }

    @Test
    void checkWithoutAServiceConfigSaysTheAccountsWentUnchecked(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(Path.of("config/mapping.yaml")).replace("account: OPS", "account: PROD"));
        assertEquals(0, run("check", typo.toString()), err());
        String[] lines = out().split("\n");
        assertTrue(lines[0].endsWith(": OK, 3 roles"), out());
        assertTrue(lines[1].contains("account names were not checked against a service config")
                && lines[1].contains("pass --config FILE"), out());

        out.reset();
        assertEquals(0, run("check", "config/mapping.yaml", "--config", "config/saml2nats.yaml"), err());
        assertFalse(out().contains("not checked"), "with the config they were: " + out());
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
            String p = saml2nats.keys.KeysInit.password(random);
            assertTrue(p.matches("pw[0-9a-f]{48}"), p);
        }
    }

    @Test
    @Timeout(30) // before the fix "serve --confg x" started the service with the default config
    void unknownOptionsAndStrayArgumentsAreRefusedWithTheCommandsUsage(@TempDir Path dir) throws Exception {
        assertEquals(2, run("explain", "--policy", "config/mapping.yaml", "--grops", "eng-developers"));
        assertTrue(err().contains("unknown option '--grops' for explain; known: --policy, --groups, --email"), err());
        assertTrue(err().contains("usage: saml2nats explain --policy FILE"), "the command's own usage: " + err());
        assertEquals("", out(), "nothing was explained");

        err.reset();
        assertEquals(2, run("whoami", "--contxt", "dev"));
        assertTrue(err().contains("unknown option '--contxt' for whoami; known: --context, --url"), err());

        err.reset();
        assertEquals(2, run("check", "config/mapping.yaml", "config/saml2nats.yaml"));
        assertTrue(err().contains("unexpected argument 'config/saml2nats.yaml' for check; it takes FILE"), err());

        err.reset();
        Path keys = dir.resolve("keys");
        assertEquals(2, run("keys", "init", keys.toString(), "--acounts", "DEV"));
        assertTrue(err().contains("unknown option '--acounts' for keys init; known: --operator, --accounts"), err());
        assertFalse(Files.exists(keys), "no keys made from a mistyped command");

        err.reset();
        assertEquals(2, run("serve", "--confg", "x"));
        assertTrue(err().contains("saml2nats: unknown option '--confg' for serve; known: --config"), err());
        assertTrue(err().contains("usage: saml2nats serve [--config FILE]") && !err().contains("explain"), err());
    }

    @Test
    void anOptionWithoutItsValueIsRefused() throws Exception {
        assertEquals(2, run("login", "--url"));
        assertTrue(err().contains("--url needs a value (URL)") && err().contains("usage: saml2nats login"), err());
        err.reset();
        assertEquals(2, run("login", "--url", "--device"), "the next option is not taken for the address");
        assertTrue(err().contains("--url needs a value (URL)"), err());
        err.reset();
        assertEquals(2, run("explain", "--groups", "a", "--policy"));
        assertTrue(err().contains("--policy needs a value (FILE)"), err());
        err.reset();
        assertEquals(2, run("check", "config/mapping.yaml", "--config", "a", "--config", "b"));
        assertTrue(err().contains("--config is given twice"), err());
    }

    @Test
    @Timeout(30) // before the fix "serve --help" started the service
    void everyCommandAnswersHelpWithItsOwnUsage() throws Exception {
        for (String command : List.of("login", "logout", "whoami", "sessions end", "check", "explain", "keys init",
                "saml inspect", "serve")) {
            for (String help : List.of("--help", "-h")) {
                out.reset();
                err.reset();
                List<String> args = new ArrayList<>(List.of(command.split(" ")));
                args.add(help);
                assertEquals(0, run(args.toArray(String[]::new)), command + " " + help + ": " + err());
                assertTrue(out().startsWith("usage: saml2nats " + command + " "), command + " " + help + ": " + out());
                assertEquals(1, out().split("usage:", -1).length - 1, "its own usage only: " + out());
                assertEquals("", err());
            }
        }
        out.reset();
        assertEquals(0, run("keys", "--help"));
        assertTrue(out().startsWith("usage: saml2nats keys init "), out());
        out.reset();
        assertEquals(0, run("help", "sessions", "end"));
        assertTrue(out().startsWith("usage: saml2nats sessions end --url URL --idp ID --subject NAMEID"), out());
        out.reset();
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: saml2nats <command>") && out().contains("saml inspect FILE"), out());
    }

    @Test
    void theReadmeListsEveryCommandWithTheSynopsisItsParserReads() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String commands = readme.substring(readme.indexOf("## Commands"), readme.indexOf("## ", readme.indexOf("## Commands") + 3));
        for (saml2nats.cli.Syntax c : Main.COMMANDS) {
            assertTrue(java.util.regex.Pattern.compile("bin/saml2nats " + java.util.regex.Pattern.quote(c.command()) + " +"
                    + java.util.regex.Pattern.quote(c.synopsis()) + "( |$)", java.util.regex.Pattern.MULTILINE)
                    .matcher(commands).find(), "README's Commands shows " + c.command() + " " + c.synopsis());
        }
    }

    @Test
    void unknownCommandsShowUsage() throws Exception {
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'") && err().contains("usage:"), err());
    }
}
