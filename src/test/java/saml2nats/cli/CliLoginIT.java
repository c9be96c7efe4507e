package saml2nats.cli;

import saml2nats.testing.Eventually;
import io.nats.client.ConnectionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.TestIdp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saml2nats login | whoami | logout} against the real service and nats-server,
 * with a browser reduced to HTTP and a test IdP that signs real SAML. The same flows
 * in headless Chromium through Keycloak are in e2e.BrowserJourneyIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliLoginIT {
    static final String ADMIN_TOKEN = "admin-" + "0123456789abcdef".repeat(3);
    final TestIdp testIdp = new TestIdp();
    CalloutStack stack;
    Path home;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        home = dir.resolve("home");
        Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN);
        stack = CalloutStack.start(dir, Mappings.MATRIX, false, "admin_token_file: admin-token\n" + testIdp.config(dir));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    String base() {
        return "http://127.0.0.1:" + stack.service.httpPort();
    }

    HttpBrowser signedIn(String email, String... groups) throws Exception {
        return testIdp.signIn(base(), email, groups);
    }

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    Login login() {
        return new Login(new ServiceClient(URI.create(base())), new NatsContext(home),
                new PrintStream(printed, true, StandardCharsets.UTF_8), new SecureRandom(), d -> Thread.sleep(d.toMillis()));
    }

    static Login.Browser approving(HttpBrowser browser, String answer) {
        return browser.approvingCli(answer);
    }

    String context(String name) throws IOException {
        return Files.readString(home.resolve("nats/context/" + name + ".json"));
    }

    @Test
    void loopbackLoginWritesAContextWhoseTokenConnectsAndLogoutKicksIt() throws Exception {
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        login().withBrowser("dev", approving(ann, "allow"));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Signed in as ann Example (ann@acme.test)") && out.contains("nats --context dev"), out);
        NatsContext.Entry entry = new NatsContext(home).read("dev").orElseThrow();
        assertEquals(stack.server.url(), entry.natsUrl());
        assertTrue(entry.token().startsWith("s2n_"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("nats/context/dev.json"))));

        ByteArrayOutputStream who = new ByteArrayOutputStream();
        Whoami.run(new NatsContext(home), "dev", Optional.empty(), new PrintStream(who, true, StandardCharsets.UTF_8));
        String whoami = who.toString(StandardCharsets.UTF_8);
        assertTrue(whoami.contains("email:    ann@acme.test") && whoami.contains("groups:   eng-developers")
                && whoami.contains("account:   DEV") && whoami.contains("session:  ends "), whoami);

        // saml2nats sessions: the browser's session and this CLI's, where from, which is this context's
        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        Sessions.run(new NatsContext(home), "dev", Optional.empty(), Optional.empty(), new PrintStream(listed, true, StandardCharsets.UTF_8));
        String list = listed.toString(StandardCharsets.UTF_8);
        assertTrue(list.contains("browser") && list.contains("CLI (browser hand-off)") && list.contains("127.0.0.1")
                && list.contains("(this context)"), list);
        assertEquals(1, list.lines().filter(l -> l.matches("[0-9a-f-]{36}  .*") && l.endsWith("(this context)")).count(), list);
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        Sessions.run(new NatsContext(home), "dev", Optional.empty(), Optional.of("no-such-session"),
                new PrintStream(none, true, StandardCharsets.UTF_8));
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("no session of yours with id no-such-session"), none.toString(StandardCharsets.UTF_8));

        // the hint's subjects come from ann's grant and work as printed (a fixed '>' was refused)
        java.util.regex.Matcher subHint = java.util.regex.Pattern.compile("nats --context dev sub '([^']+)'").matcher(out);
        java.util.regex.Matcher pubHint = java.util.regex.Pattern.compile("nats --context dev pub '([^']+)' hello").matcher(out);
        assertTrue(subHint.find() && pubHint.find(), out);
        assertTrue(whoami.contains("payload:   up to 1 MiB per message"), "the server's max_payload, in words: " + whoami);
        try (CalloutStack.Client hinted = stack.connect(entry.token())) {
            var hintedSub = hinted.connection.subscribe(subHint.group(1));
            hinted.connection.publish(pubHint.group(1), new byte[]{1});
            hinted.connection.flush(Duration.ofSeconds(2));
            assertEquals(null, hinted.errors.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS), "no permission violation");
            assertTrue(hintedSub.isActive());
        }

        try (CalloutStack.Client client = stack.connect(entry.token())) {
            var sub = client.connection.subscribe("dev.cli");
            client.connection.flush(Duration.ofSeconds(2));
            client.connection.publish("dev.cli", new byte[]{1});
            assertTrue(sub.nextMessage(Duration.ofSeconds(2)) != null, "the context's token connects with the grant");

            ByteArrayOutputStream bye = new ByteArrayOutputStream();
            Logout.run(new NatsContext(home), "dev", Optional.empty(), new PrintStream(bye, true, StandardCharsets.UTF_8));
            assertTrue(bye.toString(StandardCharsets.UTF_8).contains("Signed out"), bye.toString(StandardCharsets.UTF_8));
            assertEquals(ConnectionListener.Events.CLOSED, client.awaitClosed(Duration.ofSeconds(5)), "logout kicks the live connection");
        }
        assertFalse(context("dev").contains("s2n_"), "the token is gone from the context");
        assertThrows(IOException.class, () -> stack.connect(entry.token()), "and it connects no more");
        CliException e = assertThrows(CliException.class, () -> Whoami.run(new NatsContext(home), "dev", Optional.empty(),
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("holds no token (signed out)"), e.getMessage());
        HttpResponse<String> page = ann.get("/");
        assertTrue(page.body().contains("Hello, ann Example"), "the browser's own session lives on");
        assertTrue(stack.audit().contains("\"action\":\"cli-sign-in\""), stack.audit());
    }

    @Test
    void whoamiShowsWhenTheSessionEndsAndTheTimeLeft() throws Exception {
        ServiceClient.Answer signedIn = login().withBrowser("clock", approving(signedIn("lea@acme.test", "eng-developers"), "allow"));
        java.time.Instant ends = java.time.Instant.parse(signedIn.text("session_expires"));
        ByteArrayOutputStream who = new ByteArrayOutputStream();
        Whoami.run(new NatsContext(home), "clock", Optional.empty(), new PrintStream(who, true, StandardCharsets.UTF_8),
                java.time.Clock.fixed(ends.minus(Duration.ofHours(7).plusMinutes(59).plusSeconds(30)), java.time.ZoneOffset.UTC));
        String end = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC).format(ends);
        assertTrue(who.toString(StandardCharsets.UTF_8).contains("session:  ends " + end + " UTC (in 7h59m)\n"),
                who.toString(StandardCharsets.UTF_8));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("the token works until " + end + " UTC (in "),
                "login says it the same way: " + printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anInterceptedCodeIsWorthNothingAndSpoilsTheSignIn() throws Exception {
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        AtomicReference<HttpResponse<String>> stolen = new AtomicReference<>();
        Login.Browser intercepting = url -> {
            try {
                String location = ann.answerCli(url, "allow").location();
                // an eavesdropper on the redirect trades the code first, with a verifier of its own
                stolen.set(new HttpBrowser(base()).post("/cli/token", Map.of("code", HttpBrowser.query(location, "code"),
                        "verifier", "m".repeat(43))));
                ann.get(location);
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        CliException e = assertThrows(CliException.class, () -> login().withBrowser("stolen", intercepting));
        assertEquals(400, stolen.get().statusCode());
        assertTrue(stolen.get().body().contains("\"error\":\"invalid_grant\"") && !stolen.get().body().contains("s2n_"),
                stolen.get().body());
        assertTrue(e.getMessage().contains("sign-in code is unknown, already used"), e.getMessage());
        assertFalse(Files.exists(home.resolve("nats/context/stolen.json")));
    }

    @Test
    void cancelNoAccessAndForgedFormsEndWithoutAToken() throws Exception {
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        CliException cancelled = assertThrows(CliException.class, () -> login().withBrowser("c", approving(ann, "deny")));
        assertTrue(cancelled.getMessage().contains("cancelled in the browser"), cancelled.getMessage());

        HttpBrowser sam = signedIn("sam@acme.test", "sales");
        CliException none = assertThrows(CliException.class, () -> login().withBrowser("c", approving(sam, "allow")));
        assertTrue(none.getMessage().contains("none of your groups is mapped to a NATS role"), none.getMessage());
        assertFalse(Files.exists(home.resolve("nats/context/c.json")));

        String request = startLoopback("40000").get("request");
        HttpResponse<String> forged = ann.post("/cli/login", Map.of("request", request, "answer", "allow",
                "csrf", "not-the-token"));
        assertEquals(403, forged.statusCode(), "a cross-site form cannot approve a CLI sign-in");

        HttpResponse<String> anonymous = new HttpBrowser(base()).get("/cli/login?request=" + request);
        assertEquals(303, anonymous.statusCode());
        String back = anonymous.headers().firstValue("Location").orElseThrow();
        assertTrue(back.startsWith("/?return=%2Fcli%2Flogin%3Frequest%3D"), back);
        HttpResponse<String> signInPage = new HttpBrowser(base()).get(back);
        assertTrue(signInPage.body().contains("/saml/test/login?return=%2Fcli%2Flogin"), "sign-in comes back to the CLI page");

        HttpResponse<String> badPort = new HttpBrowser(base()).post("/cli/login/start", Map.of("port", "22",
                "state", "s".repeat(22), "challenge", CHALLENGE));
        assertEquals(400, badPort.statusCode(), "only unprivileged loopback ports");
    }

    static final String CHALLENGE = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    /** What saml2nats login does first: registers its listener and gets the request and the code it prints. */
    Map<String, String> startLoopback(String port) throws Exception {
        HttpResponse<String> r = new HttpBrowser(base()).post("/cli/login/start", Map.of("port", port,
                "state", "s".repeat(22), "challenge", CHALLENGE, "host", "anns-laptop"));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, String> out = new java.util.HashMap<>();
        for (String field : List.of("request", "confirm_code")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\":\"([^\"]+)\"").matcher(r.body());
            assertTrue(m.find(), field + " in " + r.body());
            out.put(field, m.group(1));
        }
        return out;
    }

    @Test
    void theApprovalPageShowsWhatAskedAndOnlyForARequestTheCliStarted() throws Exception {
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        // a link made by hand (the old form, or a made-up request) is not a sign-in anyone can approve
        HttpResponse<String> crafted = ann.get("/cli/login?port=40000&state=" + "s".repeat(22) + "&challenge=" + CHALLENGE);
        assertEquals(400, crafted.statusCode());
        assertTrue(crafted.body().contains("Not a CLI sign-in link") && crafted.body().contains("older saml2nats login"),
                crafted.body());
        assertEquals(400, ann.get("/cli/login?request=" + "x".repeat(43)).statusCode());

        Map<String, String> started = startLoopback("40001");
        assertTrue(started.get("confirm_code").matches("[B-Z]{4}-[B-Z]{4}"), started.toString());
        HttpResponse<String> page = ann.get("/cli/login?request=" + started.get("request"));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains(started.get("confirm_code")), "the code the CLI printed is on the page");
        assertTrue(page.body().contains("address 127.0.0.1, calls itself anns-laptop"), page.body());
        assertTrue(page.body().matches("(?s).*asked</th><td>\\d+m?s ago.*"), page.body());

        HttpResponse<String> allowed = ann.post("/cli/login", Map.of("csrf", HttpBrowser.hidden(page.body(), "csrf"),
                "request", started.get("request"), "answer", "allow"));
        assertTrue(allowed.headers().firstValue("Location").orElseThrow()
                .startsWith("http://127.0.0.1:40001/callback?state=" + "s".repeat(22) + "&code="), allowed.headers().toString());
        HttpResponse<String> again = ann.post("/cli/login", Map.of("csrf", HttpBrowser.hidden(page.body(), "csrf"),
                "request", started.get("request"), "answer", "allow"));
        assertEquals(400, again.statusCode(), "a request is answered once");
        assertEquals(400, ann.get("/cli/login?request=" + started.get("request")).statusCode(), "and then gone");
    }

    @Test
    void deviceCodeLoginCompletesWhenTheCodeIsEnteredAndApproved() throws Exception {
        PipedLines lines = new PipedLines();
        Login cli = new Login(new ServiceClient(URI.create(base())), new NatsContext(home), lines.stream, new SecureRandom(),
                d -> Thread.sleep(d.toMillis()));
        CompletableFuture<ServiceClient.Answer> done = CompletableFuture.supplyAsync(() -> {
            try {
                return cli.withCode("device");
            } catch (CliException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        String code = lines.await(Pattern.compile("^\\s+([B-Z]{4}-[B-Z]{4})$"));

        HttpBrowser bo = signedIn("bo@acme.test", "eng-operators");
        HttpResponse<String> enter = bo.get("/device");
        assertTrue(enter.body().contains("Enter the code"), enter.body());
        HttpResponse<String> confirm = bo.post("/device", Map.of("csrf", HttpBrowser.hidden(enter.body(), "csrf"),
                "user_code", code.toLowerCase()));
        assertEquals(200, confirm.statusCode(), confirm.body());
        assertTrue(confirm.body().contains("Approve this sign-in?") && confirm.body().contains("account:   OPS"), confirm.body());
        HttpResponse<String> approved = bo.post("/device/answer", Map.of("csrf", HttpBrowser.hidden(confirm.body(), "csrf"),
                "user_code", HttpBrowser.hidden(confirm.body(), "user_code"), "answer", "allow"));
        assertTrue(approved.body().contains("Device signed in"), approved.body());

        ServiceClient.Answer token = done.get(30, TimeUnit.SECONDS);
        assertEquals("bo@acme.test", token.text("email"));
        String fromContext = new NatsContext(home).read("device").orElseThrow().token();
        try (CalloutStack.Client client = stack.connect(fromContext)) {
            client.connection.publish("dev.nope", new byte[]{1});
            client.connection.flush(Duration.ofSeconds(2));
            String error = client.errors.poll(3, TimeUnit.SECONDS);
            assertTrue(String.valueOf(error).contains("Permissions Violation for Publish to \"dev.nope\""),
                    "an operator's token has the operators' grant, not more: " + error);
        }
        HttpResponse<String> again = bo.post("/device", Map.of("csrf", HttpBrowser.hidden(enter.body(), "csrf"), "user_code", code));
        assertEquals(400, again.statusCode(), "the code is single-use");
    }

    @Test
    void signingOutVoidsAnApprovalTheCliHasNotRedeemedYet() throws Exception {
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        Login.Browser approveThenSignOut = url -> {
            try {
                HttpBrowser.CliConsent consent = ann.answerCli(url, "allow");
                ann.post("/logout", Map.of("csrf", consent.csrf()));
                ann.get(consent.location());
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        CliException e = assertThrows(CliException.class, () -> login().withBrowser("late", approveThenSignOut));
        assertTrue(e.getMessage().contains("session that approved this sign-in has ended"), e.getMessage());
    }

    @Test
    void aCodeCanOnlyBeAnsweredByWhoeverFoundItThroughTheLimits() throws Exception {
        ServiceClient service = new ServiceClient(URI.create(base()));
        ServiceClient.Answer start = service.post("cli/device", Map.of("host", "victim-laptop"));
        HttpBrowser mallory = signedIn("mallory@acme.test", "eng-developers");
        String csrf = HttpBrowser.hidden(mallory.get("/device").body(), "csrf");
        HttpResponse<String> direct = mallory.post("/device/answer", Map.of("csrf", csrf,
                "user_code", start.text("user_code"), "answer", "allow"));
        assertEquals(400, direct.statusCode(), "guessing straight at /device/answer skips nothing");
        assertEquals("authorization_pending", service.post("cli/device/token",
                Map.of("device_code", start.text("device_code"))).error().orElseThrow());
    }

    @Test
    void wrongDeviceCodesAreRateLimitedPerBrowserSession() throws Exception {
        ServiceClient service = new ServiceClient(URI.create(base()));
        ServiceClient.Answer start = service.post("cli/device", Map.of("host", "build-box"));
        String code = start.text("user_code");
        HttpBrowser guesser = signedIn("eve@acme.test", "eng-developers");
        String csrf = HttpBrowser.hidden(guesser.get("/device").body(), "csrf");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = guesser.post("/device", Map.of("csrf", csrf, "user_code", "ZZZZ-ZZZ" + "BCDFG".charAt(i)));
            assertEquals(400, wrong.statusCode());
            assertTrue(wrong.body().contains("No sign-in is waiting for that code"), wrong.body());
        }
        HttpResponse<String> locked = guesser.post("/device", Map.of("csrf", csrf, "user_code", code));
        assertEquals(429, locked.statusCode(), "past the limit even the right code is refused");
        assertTrue(locked.body().contains("Too many wrong codes"), locked.body());

        ServiceClient.Answer pending = service.post("cli/device/token", Map.of("device_code", start.text("device_code")));
        assertEquals("authorization_pending", pending.error().orElseThrow());
        ServiceClient.Answer tooFast = service.post("cli/device/token", Map.of("device_code", start.text("device_code")));
        assertEquals("slow_down", tooFast.error().orElseThrow());
        assertEquals("invalid_grant", service.post("cli/device/token", Map.of("device_code", "nope")).error().orElseThrow());
    }

    @Test
    void badTokensAndUnreachableServicesGetClearMessages() throws Exception {
        NatsContext contexts = new NatsContext(home);
        contexts.write("ghost", new NatsContext.Entry(stack.server.url(), "s2n_" + "B".repeat(43), URI.create(base())), "x");
        CliException e = assertThrows(CliException.class, () -> Whoami.run(contexts, "ghost", Optional.empty(),
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("is not signed in: No live session for that token"), e.getMessage());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logout.run(contexts, "ghost", Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("had already ended"), out.toString(StandardCharsets.UTF_8));

        int closed = saml2nats.testing.NatsServerProcess.freePort();
        Login nowhere = new Login(new ServiceClient(URI.create("http://127.0.0.1:" + closed)), contexts,
                new PrintStream(new ByteArrayOutputStream()), new SecureRandom(), d -> { });
        CliException refused = assertThrows(CliException.class, () -> nowhere.withCode("x"));
        assertTrue(refused.getMessage().contains("cannot reach the saml2nats service at http://127.0.0.1:" + closed
                + "/: connection refused"), refused.getMessage());
    }

    /** What a person's {@code saml2nats ...} printed and returned. */
    record Ran(int code, String out, String err) { }

    /** The command line as a person runs it, with this test's home as the config folder. */
    Ran cli(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = saml2nats.MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("XDG_CONFIG_HOME", home.toString()));
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Something at an address that is not a saml2nats service: {@code answer} gets the path and the form. */
    static com.sun.net.httpserver.HttpServer serving(java.util.function.BiFunction<String, Map<String, String>, Reply> answer)
            throws IOException {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> form = new java.util.HashMap<>();
                for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    String[] kv = pair.split("=", 2);
                    if (kv.length == 2) {
                        form.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                    }
                }
                Reply reply = answer.apply(exchange.getRequestURI().getPath(), form);
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", reply.type());
                exchange.sendResponseHeaders(reply.status(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }

    record Reply(int status, String type, String body) {
        static Reply json(String body) {
            return new Reply(200, "application/json", body);
        }
    }

    static final String NO_TOKEN = "{\"token\":\"\",\"name\":\"\",\"email\":\"\",\"nats_url\":\"\"}";

    @Test
    void aWrongAddressOrAnAnswerWithoutATokenLeavesAWorkingContextAsItWas() throws Exception {
        login().withBrowser("work", approving(signedIn("ann@acme.test", "eng-developers"), "allow"));
        Path nats = home.resolve("nats/context/work.json");
        Path ours = home.resolve("saml2nats/context/work.json");
        byte[] natsBefore = Files.readAllBytes(nats);
        byte[] oursBefore = Files.readAllBytes(ours);

        Ran path = cli("login", "--device", "--context", "work", "--url", base() + "/device");
        assertEquals(1, path.code(), path.out() + path.err());
        assertTrue(path.err().contains("--url is the service's address without a path")
                && path.err().contains("(did you mean " + base() + "?)"), path.err());

        Map<String, java.util.function.BiFunction<String, Map<String, String>, Reply>> impostors = new java.util.LinkedHashMap<>();
        impostors.put("a web page", (p, f) -> new Reply(200, "text/html; charset=utf-8", "<!doctype html><h1>Welcome</h1>"));
        impostors.put("a JSON 404", (p, f) -> new Reply(404, "application/json", "{\"title\":\"Not Found\",\"status\":404}"));
        impostors.put("an empty token", (p, f) -> Reply.json(p.equals("/cli/device") ? "{\"device_code\":\"d\","
                + "\"user_code\":\"BCDF-GHJK\",\"verification_uri\":\"http://x/device\",\"interval\":1,\"expires_in\":60}"
                : NO_TOKEN));
        Map<String, String> reasons = Map.of("a web page", "answered HTTP 200 with text/html, not JSON",
                "a JSON 404", "answered HTTP 404: is http://127.0.0.1:",
                "an empty token", "answered the token without name, nats_url");
        for (var impostor : impostors.entrySet()) {
            var server = serving(impostor.getValue());
            try {
                Ran ran = cli("login", "--device", "--context", "work", "--url", "http://127.0.0.1:" + server.getAddress().getPort());
                assertEquals(1, ran.code(), impostor.getKey() + ": " + ran.out() + ran.err());
                assertTrue(ran.err().contains(reasons.get(impostor.getKey())), impostor.getKey() + ": " + ran.err());
                assertFalse(ran.out().contains("Signed in"), ran.out());
            } finally {
                server.stop(0);
            }
        }

        // the loopback flow, up to its browser's answer, then a token that is not one of ours
        var server = serving((p, f) -> {
            if (p.equals("/cli/login/start")) {
                CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(300);
                        new HttpBrowser("http://127.0.0.1:" + f.get("port")).get("/callback?state=" + f.get("state") + "&code=c");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                return Reply.json("{\"request\":\"r\",\"confirm_code\":\"BCDF-GHJK\"}");
            }
            return Reply.json("{\"token\":\"guest\",\"name\":\"x\",\"nats_url\":\"nats://127.0.0.1:1\"}");
        });
        try {
            Ran ran = cli("login", "--context", "work", "--url", "http://127.0.0.1:" + server.getAddress().getPort());
            assertEquals(1, ran.code(), ran.out() + ran.err());
            assertTrue(ran.err().contains("answered the token without a saml2nats token (s2n_...)")
                    && ran.err().contains("Context 'work' is unchanged"), ran.err());
        } finally {
            server.stop(0);
        }

        assertArrayEquals(natsBefore, Files.readAllBytes(nats), "the NATS context is byte for byte as it was");
        assertArrayEquals(oursBefore, Files.readAllBytes(ours), "and so is the service it came from");
        ByteArrayOutputStream who = new ByteArrayOutputStream();
        Whoami.run(new NatsContext(home), "work", Optional.empty(), new PrintStream(who, true, StandardCharsets.UTF_8));
        assertTrue(who.toString(StandardCharsets.UTF_8).contains("email:    ann@acme.test"), "and it still works");
    }

    @Test
    void aSecondLoginNeedsNoUrlTheContextRemembersTheService() throws Exception {
        Ran unknown = cli("login", "--device", "--context", "again");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no service address is known for context 'again'")
                && unknown.err().contains("pass --url URL"), unknown.err());

        login().withBrowser("again", approving(signedIn("ann@acme.test", "eng-developers"), "allow"));
        assertEquals(0, cli("logout", "--context", "again").code());
        Ran whoami = cli("whoami", "--context", "again");
        assertTrue(whoami.err().contains("holds no token (signed out); sign in with saml2nats login --context again\n"),
                "the hint names no --url, since none is needed: " + whoami.err());

        PipedLines lines = new PipedLines();
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try {
                return saml2nats.MainAccess.run(new String[]{"login", "--device", "--context", "again"}, lines.stream,
                        lines.stream, Map.of("XDG_CONFIG_HOME", home.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String code = lines.await(Pattern.compile("^\\s+([B-Z]{4}-[B-Z]{4})$"));
        HttpBrowser ann = signedIn("ann@acme.test", "eng-developers");
        HttpResponse<String> confirm = ann.post("/device", Map.of("csrf", HttpBrowser.hidden(ann.get("/device").body(), "csrf"),
                "user_code", code));
        ann.post("/device/answer", Map.of("csrf", HttpBrowser.hidden(confirm.body(), "csrf"),
                "user_code", HttpBrowser.hidden(confirm.body(), "user_code"), "answer", "allow"));
        assertEquals(0, second.get(30, TimeUnit.SECONDS), lines.bytes.toString(StandardCharsets.UTF_8));
        assertTrue(lines.bytes.toString(StandardCharsets.UTF_8).contains("Signing in through " + base() + "/, where context "
                + "'again' was signed in"), lines.bytes.toString(StandardCharsets.UTF_8));
        String token = new NatsContext(home).read("again").orElseThrow().token();
        try (CalloutStack.Client client = stack.connect(token)) {
            assertTrue(client.connection.getStatus() == io.nats.client.Connection.Status.CONNECTED, "the new token connects");
        }
    }

    /** {@code saml2nats ARGS} on another thread, printing into {@code lines}; the exit code when it ends. */
    CompletableFuture<Integer> cliAsync(PipedLines lines, Map<String, String> env, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return saml2nats.MainAccess.run(args, lines.stream, lines.stream, env);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void loginRunsTheBrowserNamedInBROWSERAndNoneWithNoBrowser(@TempDir Path dir) throws Exception {
        Path opened = dir.resolve("opened");
        Path script = dir.resolve("browser");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + opened + ".tmp && mv " + opened + ".tmp " + opened + "\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        // the first command is missing, so the next is tried; %s is where the address goes
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", home.toString(),
                "BROWSER", dir.resolve("no-such-browser") + ":" + script + " --new-tab %s");

        PipedLines lines = new PipedLines();
        CompletableFuture<Integer> login = cliAsync(lines, env, "login", "--url", base(), "--context", "chosen");
        Eventually.holds(Duration.ofSeconds(10), () -> Files.exists(opened));
        assertTrue(Files.exists(opened), "$BROWSER was not run: " + lines.bytes.toString(StandardCharsets.UTF_8));
        List<String> argv = Files.readAllLines(opened);
        assertEquals("--new-tab", argv.get(0));
        assertTrue(argv.get(1).startsWith(base() + "/cli/login?request="), argv.toString());
        assertEquals(2, argv.size(), "the address is one word, in place of %s: " + argv);
        approving(signedIn("ann@acme.test", "eng-developers"), "allow").open(URI.create(argv.get(1)));
        assertEquals(0, login.get(30, TimeUnit.SECONDS), lines.bytes.toString(StandardCharsets.UTF_8));
        assertTrue(new NatsContext(home).read("chosen").orElseThrow().token().startsWith("s2n_"));

        Files.delete(opened);
        PipedLines printed = new PipedLines();
        CompletableFuture<Integer> quiet = cliAsync(printed, env, "login", "--no-browser", "--context", "printed",
                "--url", base());
        String url = printed.await(Pattern.compile("^  (http://\\S+/cli/login\\?request=\\S+)$"));
        assertTrue(printed.bytes.toString(StandardCharsets.UTF_8).contains("Open this address in a browser on this machine"),
                printed.bytes.toString(StandardCharsets.UTF_8));
        approving(signedIn("ann@acme.test", "eng-developers"), "allow").open(URI.create(url));
        assertEquals(0, quiet.get(30, TimeUnit.SECONDS), printed.bytes.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(opened), "--no-browser runs no browser, $BROWSER set or not");
        assertTrue(new NatsContext(home).read("printed").orElseThrow().token().startsWith("s2n_"));
    }

    @Test
    void anAdminEndsEveryoneOfOnePersonsSessionsAndTheirConnectionsAreKicked() throws Exception {
        HttpBrowser kim = signedIn("kim@acme.test", "eng-developers");
        login().withBrowser("kim", approving(kim, "allow"));
        String token = new NatsContext(home).read("kim").orElseThrow().token();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliException wrong = assertThrows(CliException.class, () -> EndSessions.run(URI.create(base()), "x".repeat(40),
                "test", "kim@acme.test", new PrintStream(out)));
        assertTrue(wrong.getMessage().contains("Wrong admin token"), wrong.getMessage());
        try (CalloutStack.Client client = stack.connect(token)) {
            EndSessions.run(URI.create(base()), ADMIN_TOKEN, "test", "kim@acme.test", new PrintStream(out, true, StandardCharsets.UTF_8));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("Ended 2 session(s) of kim@acme.test"),
                    "the browser's and the CLI's: " + out.toString(StandardCharsets.UTF_8));
            assertEquals(ConnectionListener.Events.CLOSED, client.awaitClosed(Duration.ofSeconds(5)));
        }
        assertThrows(IOException.class, () -> stack.connect(token));
        assertFalse(kim.get("/").body().contains("Hello,"), "the browser is signed out too");
        assertFalse(stack.audit().contains(ADMIN_TOKEN), "no secret in the audit log");
    }


    /** What the CLI prints, line by line, for a test that must read the code from it as a person would. */
    static final class PipedLines {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String await(Pattern line) throws Exception {
            Optional<String> printed = Eventually.value(Duration.ofSeconds(10), () -> firstMatch(line), Optional::isPresent);
            return printed.orElseThrow(() -> new AssertionError("the CLI never printed " + line + ":\n" + bytes.toString(StandardCharsets.UTF_8)));
        }

        private Optional<String> firstMatch(Pattern line) {
            for (String l : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
                Matcher m = line.matcher(l);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
            return Optional.empty();
        }
    }
}
