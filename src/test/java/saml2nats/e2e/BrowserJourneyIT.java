package saml2nats.e2e;

import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import saml2nats.testing.Browser;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.KeycloakProcess;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A person's journey with parts nobody here wrote: headless Chromium, Keycloak's own
 * login form as the SAML IdP, a real nats-server. Screenshots go to target/e2e/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneyIT {
    CalloutStack stack;
    KeycloakProcess keycloak;
    String base;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        int port = NatsServerProcess.freePort();
        base = "http://localhost:" + port;
        keycloak = KeycloakProcess.start(dir, port);
        stack = CalloutStack.start(dir, Mappings.MATRIX, true, """
                idps:
                  - id: keycloak
                    label: Keycloak
                    metadata_url: %s
                """.formatted(keycloak.metadataUrl()), port);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    Browser browser(String name) {
        return new Browser(dir.resolve("chromium-" + name));
    }

    void signInAtKeycloak(WebDriver d, String user) {
        d.get(base + "/");
        d.findElement(By.linkText("Keycloak")).click();
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));
        wait.until(x -> x.getCurrentUrl().startsWith(keycloak.url() + "/realms/saml2nats/"));
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(user + "-password");
        d.findElement(By.id("kc-login")).click();
        wait.until(x -> x.getCurrentUrl().startsWith(base) && x.getPageSource().contains("Hello,"));
    }

    @Test
    void aliceSignsInConnectsWithExactlyHerGrantAndSignOutKicksHer() throws Exception {
        try (Browser b = browser("alice")) {
            WebDriver d = b.driver;
            signInAtKeycloak(d, "alice");
            String page = d.findElement(By.tagName("main")).getText();
            assertTrue(page.contains("Hello, Alice Developer") && page.contains("eng-developers"), page);
            assertTrue(page.contains("account:   DEV") || page.contains("account: DEV"), page);
            String token = d.findElement(By.id("token")).getText().trim();
            assertTrue(token.startsWith("s2n_"), token);
            b.screenshot("signed-in");

            Options.Builder options = new Options.Builder().token(token.toCharArray()).maxReconnects(0);
            try (CalloutStack.Client alice = stack.connect(options)) {
                var sub = alice.connection.subscribe("dev.>");
                alice.connection.flush(Duration.ofSeconds(2));
                alice.connection.publish("dev.e2e", "hello".getBytes(StandardCharsets.UTF_8));
                assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "allowed subject flows");
                alice.connection.publish("ops.e2e", "no".getBytes(StandardCharsets.UTF_8));
                alice.connection.flush(Duration.ofSeconds(2));
                String error = alice.errors.poll(3, TimeUnit.SECONDS);
                assertTrue(String.valueOf(error).contains("Permissions Violation for Publish to \"ops.e2e\""), error);

                d.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
                try {
                    new WebDriverWait(d, Duration.ofSeconds(30)).until(x -> x.getCurrentUrl().startsWith(base)
                            && x.getPageSource().contains("Sign in to connect to NATS"));
                } catch (org.openqa.selenium.TimeoutException e) {
                    b.screenshot("sign-out-stuck");
                    throw new AssertionError("sign-out did not come back: at " + d.getCurrentUrl() + "\n"
                            + d.findElement(By.tagName("body")).getText(), e);
                }
                long t0 = System.nanoTime();
                ConnectionListener.Events closed = null;
                while (closed != ConnectionListener.Events.CLOSED && System.nanoTime() - t0 < 5_000_000_000L) {
                    closed = alice.events.poll(100, TimeUnit.MILLISECONDS);
                }
                assertEquals(ConnectionListener.Events.CLOSED, closed, "the live connection is kicked within seconds");
            }
            assertThrows(IOException.class, () -> stack.connect(token), "and the next connect is refused");
        }
    }

    @Test
    void aPersonInNoMappedGroupIsToldAndGetsNoToken() throws Exception {
        try (Browser b = browser("dave")) {
            signInAtKeycloak(b.driver, "dave");
            String page = b.driver.findElement(By.tagName("main")).getText();
            assertTrue(page.contains("No NATS access") && page.contains("None of your groups is mapped"), page);
            assertTrue(b.driver.findElements(By.id("token")).isEmpty(), "no token on the page");
            assertFalse(b.driver.getPageSource().contains("s2n_"));
            b.screenshot("no-access");

            b.driver.get(base + "/saml/keycloak/login?return=https://evil.example/phish");
            assertTrue(b.driver.getPageSource().contains("That return address is not allowed"));
            b.screenshot("error");
        }
    }
}
