package saml2nats.e2e;

import saml2nats.testing.Eventually;
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
import saml2nats.cli.CliException;
import saml2nats.cli.Login;
import saml2nats.cli.Logout;
import saml2nats.cli.NatsContext;
import saml2nats.cli.ServiceClient;
import saml2nats.cli.Whoami;
import saml2nats.testing.Browser;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.KeycloakProcess;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.util.regex.MatchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
                admin: { groups: [nats-admins], idps: [keycloak] }
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
        keycloakForm(d, user);
        new WebDriverWait(d, Duration.ofSeconds(30)).until(x -> x.getPageSource().contains("Hello,"));
    }

    /** From our sign-in page: the Keycloak button, Keycloak's own form, and back to us. */
    void keycloakForm(WebDriver d, String user) {
        d.findElement(By.linkText("Keycloak")).click();
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));
        wait.until(x -> x.getCurrentUrl().startsWith(keycloak.url() + "/realms/saml2nats/"));
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("password")).sendKeys(user + "-password");
        d.findElement(By.id("kc-login")).click();
        wait.until(x -> x.getCurrentUrl().startsWith(base));
    }

    Login cli(PrintStream out) {
        return new Login(new ServiceClient(URI.create(base)), new NatsContext(dir.resolve("home")), out,
                new SecureRandom(), d -> Thread.sleep(d.toMillis()));
    }

    @Test
    void cliLoopbackLoginCompletesInTheSameBrowserAndLogoutKicks() throws Exception {
        try (Browser b = browser("bob")) {
            WebDriver d = b.driver;
            signInAtKeycloak(d, "bob");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            cli(new PrintStream(printed, true, StandardCharsets.UTF_8)).withBrowser("e2e", url -> {
                d.get(url.toString());
                assertTrue(d.getPageSource().contains("Sign in the saml2nats command line?"), d.getPageSource());
                Matcher printedCode = Pattern.compile("\\b([B-Z]{4}-[B-Z]{4})\\b").matcher(printed.toString(StandardCharsets.UTF_8));
                assertTrue(printedCode.find(), "the CLI printed a code to compare");
                assertEquals(printedCode.group(1), d.findElement(By.id("code")).getText(), "the page shows the code the CLI printed");
                d.findElement(By.id("allow")).click();
                new WebDriverWait(d, Duration.ofSeconds(15)).until(x -> x.getPageSource().contains("saml2nats login has the answer"));
                assertTrue(d.getCurrentUrl().startsWith("http://127.0.0.1:"), d.getCurrentUrl());
                return true;
            });
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Signed in as Bob Operator (bob@example.com)"),
                    printed.toString(StandardCharsets.UTF_8));
            NatsContext contexts = new NatsContext(dir.resolve("home"));
            String token = contexts.read("e2e").orElseThrow().token();

            ByteArrayOutputStream who = new ByteArrayOutputStream();
            Whoami.run(contexts, "e2e", Optional.empty(), new PrintStream(who, true, StandardCharsets.UTF_8));
            assertTrue(who.toString(StandardCharsets.UTF_8).contains("groups:   eng-operators")
                    && who.toString(StandardCharsets.UTF_8).contains("account:   OPS"), who.toString(StandardCharsets.UTF_8));

            try (CalloutStack.Client bob = stack.connect(token)) {
                var sub = bob.connection.subscribe("ops.>");
                bob.connection.flush(Duration.ofSeconds(2));
                bob.connection.publish("ops.e2e", new byte[]{1});
                assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "the operators' grant");
                Logout.run(contexts, "e2e", Optional.empty(), new PrintStream(new ByteArrayOutputStream()));
                assertEquals(ConnectionListener.Events.CLOSED, bob.awaitClosed(Duration.ofSeconds(5)), "saml2nats logout kicks the live connection");
            }
            assertThrows(IOException.class, () -> stack.connect(token));
            assertEquals("", contexts.read("e2e").orElseThrow().token());
        }
    }

    @Test
    void deviceFlowCompletesWithTheCodeTypedIntoTheBrowser() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<ServiceClient.Answer> done = CompletableFuture.supplyAsync(() -> {
            try {
                return cli(new PrintStream(printed, true, StandardCharsets.UTF_8)).withCode("device");
            } catch (CliException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        String[] shown = awaitPrinted(printed, Pattern.compile("open (\\S+) in any browser[\\s\\S]*?\\n\\s+([B-Z]{4}-[B-Z]{4})\\n"));
        try (Browser b = browser("alice-device")) {
            WebDriver d = b.driver;
            d.get(shown[0]);
            keycloakForm(d, "alice"); // not signed in yet: sign-in first, then back to the device page
            new WebDriverWait(d, Duration.ofSeconds(15)).until(x -> x.getCurrentUrl().equals(base + "/device"));
            b.screenshot("device-enter");
            d.findElement(By.id("user_code")).sendKeys(shown[1].toLowerCase().replace("-", " "));
            d.findElement(By.id("continue")).click();
            new WebDriverWait(d, Duration.ofSeconds(15)).until(x -> x.getPageSource().contains("Approve this sign-in?"));
            b.screenshot("device");
            d.findElement(By.id("approve")).click();
            new WebDriverWait(d, Duration.ofSeconds(15)).until(x -> x.getPageSource().contains("Device signed in"));
        }
        ServiceClient.Answer token = done.get(30, TimeUnit.SECONDS);
        assertEquals("alice@example.com", token.text("email"));
        try (CalloutStack.Client alice = stack.connect(new NatsContext(dir.resolve("home")).read("device").orElseThrow().token())) {
            assertTrue(alice.connection.getStatus() == io.nats.client.Connection.Status.CONNECTED);
        }
    }

    static String[] awaitPrinted(ByteArrayOutputStream printed, Pattern p) throws Exception {
        Optional<MatchResult> found = Eventually.value(Duration.ofSeconds(15),
                () -> p.matcher(printed.toString(StandardCharsets.UTF_8)).results().findFirst(), Optional::isPresent);
        MatchResult m = found.orElseThrow(() -> new AssertionError("the CLI did not print " + p + ":\n" + printed.toString(StandardCharsets.UTF_8)));
        return new String[]{m.group(1), m.group(2)};
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
            // hidden in the HTML, shown by /assets/copy.js: visible only if the CSP let the same-origin script run
            var copy = d.findElement(By.cssSelector("button[data-copy='token']"));
            assertTrue(copy.isDisplayed(), "the copy button is shown by the page's script");
            copy.click();
            new WebDriverWait(d, Duration.ofSeconds(5)).until(x -> !copy.getText().equals("Copy"));
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
                assertEquals(ConnectionListener.Events.CLOSED, alice.awaitClosed(Duration.ofSeconds(5)), "the live connection is kicked within seconds");
            }
            assertThrows(IOException.class, () -> stack.connect(token), "and the next connect is refused");
        }
    }

    @Test
    void aKeycloakAdminSigningErinOutEndsHerSessionByTheBackChannelAndKicksHer() throws Exception {
        try (Browser b = browser("erin")) {
            WebDriver d = b.driver;
            signInAtKeycloak(d, "erin");
            String token = d.findElement(By.id("token")).getText().trim();
            try (CalloutStack.Client erin = stack.connect(token)) {
                keycloak.logOutAtIdp("erin"); // no browser involved: Keycloak calls our SOAP URL itself
                assertEquals(ConnectionListener.Events.CLOSED, erin.awaitClosed(Duration.ofSeconds(5)),
                        "the admin's sign-out at the IdP closes her NATS connection");
            }
            assertThrows(IOException.class, () -> stack.connect(token), "and her token no longer connects");
            assertTrue(stack.audit().contains("single logout from the IdP (SOAP back channel), 1 session(s)"), stack.audit());
            assertFalse(keycloak.log().contains("Some clients have not been logged out"), "Keycloak counts us as logged out");
            d.navigate().refresh();
            assertTrue(d.getPageSource().contains("Sign in to connect to NATS"), "her browser is signed out here too");
            b.screenshot("signed-out-by-idp-admin");
        }
    }

    @Test
    void anAdminFromKeycloaksGroupEndsAlicesSessionOnTheAdminPageAndANonAdminIsTurnedAway() throws Exception {
        try (Browser a = browser("alice-admin-target"); Browser o = browser("olga")) {
            signInAtKeycloak(a.driver, "alice");
            String token = a.driver.findElement(By.id("token")).getText().trim();
            a.driver.get(base + "/admin");
            String refused = a.driver.findElement(By.tagName("main")).getText();
            assertTrue(refused.contains("Not an administrator") && refused.contains("members of nats-admins")
                    && refused.contains("Back to your page"), refused);
            a.screenshot("admin-refused");
            try (CalloutStack.Client alice = stack.connect(new Options.Builder().token(token.toCharArray())
                    .connectionName("alice-e2e").maxReconnects(0))) {
                WebDriver d = o.driver;
                d.get(base + "/admin"); // not signed in: to sign-in, and back here after it
                keycloakForm(d, "olga");
                WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(10));
                wait.until(x -> x.getCurrentUrl().startsWith(base + "/admin"));
                Eventually.holds(Duration.ofSeconds(5), () -> {
                    d.navigate().refresh();
                    return d.getPageSource().contains("alice-e2e");
                });
                assertTrue(d.getPageSource().contains("alice-e2e") && d.getPageSource().contains("Alice Developer"),
                        d.getPageSource());
                o.screenshot("admin-page");
                d.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
                long overflow = (Long) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth;");
                assertTrue(overflow <= 0, "at phone width the page does not scroll sideways (" + overflow + " px)");
                o.screenshot("admin-phone");
                d.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 1400));
                ((org.openqa.selenium.JavascriptExecutor) d).executeScript("document.getElementById('idps').scrollIntoView();");
                String idps = d.findElement(By.id("idps")).getText();
                assertTrue(idps.contains("Keycloak") && idps.contains("last sign-in") && idps.contains("signing certificates"), idps);
                o.screenshot("admin-status");
                d.findElement(By.xpath("//tr[td[contains(., 'alice-e2e')]]//button")).click();
                wait.until(x -> x.getPageSource().contains("Yes, end it"));
                o.screenshot("admin-confirm");
                d.findElement(By.id("confirm")).click();
                wait.until(x -> x.getPageSource().contains("session(s) ended"));
                o.screenshot("admin-ended");
                assertEquals(ConnectionListener.Events.CLOSED, alice.awaitClosed(Duration.ofSeconds(5)),
                        "the admin's end closes her connection");
            }
            assertThrows(IOException.class, () -> stack.connect(token));
            assertTrue(stack.audit().contains("ended by admin olga@example.com on the admin page"), stack.audit());
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
