package saml2nats.web;

import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.HttpBrowser;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the signed-in page tells a person, run exactly as shown against a real nats-server
 * with the page's token: the connect commands, the context file, and every limit it shows.
 * The mapping is the one {@code make run} ships (config/mapping.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedInPageIT {
    /** Below nats-server's 1 MiB default, so the page shows the server's value, not a constant. */
    static final int MAX_PAYLOAD = 2048;

    CalloutStack stack;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        stack = CalloutStack.startWithServerConfig(dir, Files.readString(Path.of("config/mapping.yaml")),
                "dev_idp: true\n", "max_payload: " + MAX_PAYLOAD + "\n");
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    HttpBrowser browser() {
        return new HttpBrowser("http://127.0.0.1:" + stack.service.httpPort());
    }

    /** One {@code nats ... sub|pub} line of the page, as a person would paste it. */
    record Command(String verb, String subject, String token) { }

    static List<Command> natsCliLines(String page) {
        Matcher block = Pattern.compile("<pre id=nats-cli>([^<]*)</pre>").matcher(page);
        assertTrue(block.find(), "the page has a nats CLI block: " + page);
        List<Command> commands = new ArrayList<>();
        for (String line : unescape(block.group(1)).split("\n")) {
            Matcher m = Pattern.compile("nats --server \\S+ --token (s2n_\\S+) (sub|pub) '([^']+)'( hello)?").matcher(line);
            assertTrue(m.matches(), "a nats CLI command: " + line);
            commands.add(new Command(m.group(2), m.group(3), m.group(1)));
        }
        return commands;
    }

    static String unescape(String html) {
        return html.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** Runs the commands as the nats CLI would and returns the server's errors (permission violations). */
    List<String> run(List<Command> commands) throws Exception {
        try (CalloutStack.Client c = stack.connect(commands.get(0).token())) {
            List<Subscription> subs = new ArrayList<>();
            for (Command cmd : commands) {
                if (cmd.verb().equals("sub")) {
                    subs.add(c.connection.subscribe(cmd.subject()));
                } else {
                    c.connection.publish(cmd.subject(), "hello".getBytes(StandardCharsets.UTF_8));
                }
            }
            c.connection.flush(Duration.ofSeconds(2));
            // a refusal comes as -ERR before the flush's PONG; give the listener a moment to record it
            String first = c.errors.poll(300, TimeUnit.MILLISECONDS);
            List<String> errors = new ArrayList<>();
            if (first != null) {
                errors.add(first);
                c.errors.drainTo(errors);
            }
            return errors;
        }
    }

    @Test
    void everyShippedRolesConnectCommandsWorkAsShown() throws Exception {
        for (String person : List.of("alice", "bob", "carol")) {
            String page = browser().signInAtDevIdp(person).body();
            List<Command> commands = natsCliLines(page);
            assertTrue(commands.stream().anyMatch(c -> c.verb().equals("sub")), person + " is shown a subscribe: " + commands);
            assertFalse(commands.stream().anyMatch(c -> c.subject().equals(">")), "never sub '>': " + commands);
            assertEquals(List.of(), run(commands), person + ": the server refused what the page told them to run " + commands);
        }
        List<Command> carol = natsCliLines(browser().signInAtDevIdp("carol").body());
        assertTrue(carol.stream().noneMatch(c -> c.verb().equals("pub")), "the auditors publish nothing, so no pub: " + carol);
    }

    @Test
    void theDownloadedContextConnectsWithTheGrantsSubjects() throws Exception {
        String page = browser().signInAtDevIdp("alice").body();
        Matcher link = Pattern.compile("<a id=context download='saml2nats.json' href='data:application/json;base64,([^']+)'")
                .matcher(page);
        assertTrue(link.find(), page);
        JsonValue context = JsonParser.parse(Base64.getDecoder().decode(link.group(1)));
        assertEquals(stack.server.url(), context.map.get("url").string);
        String token = context.map.get("token").string;
        assertTrue(page.contains("<pre id=token>" + token + "</pre>"), "the context carries the page's token");
        Command sub = natsCliLines(page).get(0);
        try (var nc = Nats.connect(new Options.Builder().server(context.map.get("url").string)
                .token(token.toCharArray()).build())) {
            Subscription s = nc.subscribe(sub.subject());
            nc.flush(Duration.ofSeconds(2));
            String literal = sub.subject().replace(">", "from-context");
            nc.publish(literal, "hi".getBytes(StandardCharsets.UTF_8));
            Message m = s.nextMessage(Duration.ofSeconds(2));
            assertNotNull(m, "alice, connected through the downloaded context, receives on " + sub.subject());
        }
    }

    @Test
    void theCopyButtonsComeFromASameOriginScriptTheCspAllows() throws Exception {
        HttpResponse<String> page = browser().signInAtDevIdp("alice");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'"), csp);
        assertFalse(csp.contains("unsafe-inline") && csp.matches(".*script-src[^;]*unsafe-inline.*"), csp);
        assertTrue(page.body().contains("<script src='/assets/copy.js'></script>"), page.body());
        assertFalse(Pattern.compile("<script>").matcher(page.body()).find(), "no inline script");
        assertTrue(page.body().contains("data-copy=token hidden") || page.body().contains("data-copy='token' hidden"),
                "hidden until the script shows it (readable without JavaScript): " + page.body());
        HttpResponse<String> js = browser().get("/assets/copy.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(js.body().contains("navigator.clipboard.writeText"), js.body());
    }

    /**
     * The limits the page shows are the ones a real server keeps: the payload is the server's
     * own max_payload (a larger PUB is refused by the server itself), the response allowance
     * is spent after one reply. No per-person subs/payload/data is shown: callout users get none.
     */
    @Test
    void everyLimitThePageShowsIsEnforcedByTheServer() throws Exception {
        String page = unescape(browser().signInAtDevIdp("alice").body());
        assertTrue(page.contains("payload:   up to 2 KiB per message"), page);
        assertTrue(page.contains("responses: up to 1 per request"), page);
        assertFalse(page.contains("subs "), "no per-person subscription limit is shown: " + page);
        String token = natsCliLines(page).get(0).token();

        // payload: past the server's max_payload, the server itself refuses (raw protocol, no client-side check)
        URI server = URI.create(stack.server.url());
        try (Socket s = new Socket(server.getHost(), server.getPort())) {
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("INFO "));
            out.write(("CONNECT {\"auth_token\":\"" + token + "\",\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n"
                    + "PING\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("PONG", in.readLine(), "signed in with the page's token");
            out.write(("PUB dev.big " + (MAX_PAYLOAD + 1) + "\r\n" + "x".repeat(MAX_PAYLOAD + 1) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = in.readLine();
            while (answer != null && answer.startsWith("INFO ")) {
                answer = in.readLine(); // nats-server 2.15 sends the client an INFO update once the callout let it in
            }
            assertEquals("-ERR 'Maximum Payload Violation'", answer);
        }

        // responses: one reply per request, as shown; a second is refused
        try (CalloutStack.Client responder = stack.connect(token); CalloutStack.Client requester = stack.connect(token)) {
            Subscription service = responder.connection.subscribe("dev.svc");
            Subscription replies = requester.connection.subscribe("_INBOX.once");
            responder.connection.flush(Duration.ofSeconds(2));
            requester.connection.publish("dev.svc", "_INBOX.once", "q".getBytes(StandardCharsets.UTF_8));
            Message request = service.nextMessage(Duration.ofSeconds(2));
            assertNotNull(request);
            responder.connection.publish(request.getReplyTo(), "one".getBytes(StandardCharsets.UTF_8));
            responder.connection.flush(Duration.ofSeconds(2));
            assertNotNull(replies.nextMessage(Duration.ofSeconds(2)), "the first reply is allowed");
            assertNull(responder.errors.poll(200, TimeUnit.MILLISECONDS));
            responder.connection.publish(request.getReplyTo(), "two".getBytes(StandardCharsets.UTF_8));
            responder.connection.flush(Duration.ofSeconds(2));
            String refused = responder.errors.poll(2, TimeUnit.SECONDS);
            assertNotNull(refused, "a second reply is past the allowance");
            assertTrue(refused.contains("Permissions Violation for Publish"), refused);
            assertNull(replies.nextMessage(Duration.ofMillis(300)), "and it never arrives");
        }
    }

    /**
     * The page lists the person's sessions (browser and CLI, never another person's), and
     * "sign out everywhere" ends all of them and kicks every one of their connections.
     */
    @Test
    void signOutEverywhereEndsBrowserAndCliSessionsAndKicksAllTheirConnections() throws Exception {
        HttpBrowser b = browser();
        String first = b.signInAtDevIdp("alice").body();
        Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(first);
        assertTrue(token.find(), first);
        String webToken = token.group(1);
        saml2nats.session.Identity alice = stack.service.sessions().findByToken(webToken).orElseThrow().identity();
        String cliToken = stack.service.sessions().create(alice, Duration.ofHours(1), new saml2nats.session.Session.Origin(
                saml2nats.session.Session.Origin.Kind.CLI_DEVICE, "192.0.2.7", "saml2nats-cli/test")).token();
        String bobToken = stack.signIn(saml2nats.testing.People.BOB, Duration.ofHours(1));

        String page = b.get("/").body();
        Matcher sessions = Pattern.compile("<div class=card id=sessions>(.*?)</div>", Pattern.DOTALL).matcher(page);
        assertTrue(sessions.find(), page);
        String list = sessions.group(1);
        assertTrue(list.contains("browser (this one)") && list.contains("CLI (device code)") && list.contains("192.0.2.7")
                && list.contains("saml2nats-cli/test"), list);
        assertEquals(2, list.split(">End</button>", -1).length - 1, "two sessions of alice's, none of bob's: " + list);
        assertTrue(page.contains("also end my 1 other session(s)"), "sign-out asks about the other sessions");

        HttpResponse<String> viaCli = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stack.service.httpPort() + "/cli/sessions"))
                .header("Authorization", "Bearer " + cliToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viaCli.statusCode(), viaCli.body());
        assertEquals(2, saml2nats.json.JsonObject.parse(viaCli.body()).objects("sessions").size(), viaCli.body());
        assertFalse(viaCli.body().contains("bob"), "only the person's own");
        assertEquals(1, saml2nats.json.JsonObject.parse(viaCli.body()).objects("sessions").stream()
                .filter(x -> x.bool("this").orElse(false)).count(), "the token's own session is marked: " + viaCli.body());

        try (CalloutStack.Client web = stack.connect(new Options.Builder().token(webToken.toCharArray()).maxReconnects(0));
             CalloutStack.Client cli = stack.connect(new Options.Builder().token(cliToken.toCharArray()).maxReconnects(0));
             CalloutStack.Client bob = stack.connect(new Options.Builder().token(bobToken.toCharArray()).maxReconnects(0))) {
            HttpResponse<String> out = b.post("/sessions/end", java.util.Map.of("csrf", HttpBrowser.hidden(page, "csrf"),
                    "session", "all"));
            assertEquals(303, out.statusCode(), out.body());
            assertEquals(io.nats.client.ConnectionListener.Events.CLOSED, web.awaitClosed(Duration.ofSeconds(3)));
            assertEquals(io.nats.client.ConnectionListener.Events.CLOSED, cli.awaitClosed(Duration.ofSeconds(3)));
            assertEquals(io.nats.client.Connection.Status.CONNECTED, bob.connection.getStatus(), "bob's is not touched");
        }
        assertTrue(stack.service.sessions().findByToken(webToken).isEmpty() && stack.service.sessions().findByToken(cliToken).isEmpty());
        assertTrue(b.get("/").body().contains("Sign in"), "this browser is signed out too");
        assertTrue(saml2nats.testing.Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().filter(l ->
                l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"SIGN_OUT_EVERYWHERE\"")).count() == 2), stack.audit());
    }

    /** Signs the browser in at the dev IdP as {@code person}: the token its page shows. */
    static String pageToken(HttpBrowser b, String person) throws Exception {
        Matcher token = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(b.signInAtDevIdp(person).body());
        assertTrue(token.find(), "signed in, with a token on the page");
        return token.group(1);
    }

    @Test
    void thePageAndWhoamiShowThePersonsOwnLiveConnectionsAndNoOneElses() throws Exception {
        HttpBrowser b = browser();
        String webToken = pageToken(b, "alice");
        saml2nats.session.Identity alice = stack.service.sessions().findByToken(webToken).orElseThrow().identity();
        String cliToken = stack.service.sessions().create(alice, Duration.ofHours(1)).token();
        String bobToken = stack.signIn(saml2nats.testing.People.BOB, Duration.ofHours(1));
        try (CalloutStack.Client web = stack.connect(new Options.Builder().token(webToken.toCharArray())
                .connectionName("alice-dashboard").maxReconnects(0));
             CalloutStack.Client cli = stack.connect(new Options.Builder().token(cliToken.toCharArray())
                     .connectionName("alice-orders<b>").maxReconnects(0));
             CalloutStack.Client bob = stack.connect(new Options.Builder().token(bobToken.toCharArray())
                     .connectionName("bobs-secret-client").maxReconnects(0))) {
            String card = saml2nats.testing.Eventually.value(Duration.ofSeconds(5), () -> {
                Matcher m = Pattern.compile("<div class=card id=connections>(.*?)</div>", Pattern.DOTALL).matcher(b.get("/").body());
                return m.find() ? m.group(1) : "";
            }, c -> c.contains("alice-orders") && c.contains("alice-dashboard"));
            assertTrue(card.contains("alice-orders") && card.contains("alice-dashboard"), "both of alice's: " + card);
            assertTrue(card.contains("<td>127.0.0.1</td>") && Pattern.compile("<td><span title='[A-Z0-9]{56}'>[A-Z0-9]{12}…</span></td></tr>").matcher(card).find()
                    && card.contains("(just now)"), "from where, since when and which server (unnamed: its id): " + card);
            assertTrue(card.contains("alice-orders&lt;b&gt;"), "a client's name is its own words, escaped: " + card);
            assertFalse(card.contains("bobs-secret-client"), "never another person's: " + card);

            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Path home = Files.createTempDirectory("whoami");
            saml2nats.cli.NatsContext contexts = new saml2nats.cli.NatsContext(home);
            contexts.write("alice", new saml2nats.cli.NatsContext.Entry(stack.server.url(), cliToken,
                    URI.create("http://127.0.0.1:" + stack.service.httpPort())), "test");
            saml2nats.cli.Whoami.run(contexts, "alice", java.util.Optional.empty(), new java.io.PrintStream(out, true,
                    java.nio.charset.StandardCharsets.UTF_8));
            String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(printed.contains("connected: 2 connections") && printed.contains("from 127.0.0.1, alice-orders<b>, since ")
                    && printed.contains("alice-dashboard"), printed);
            assertFalse(printed.contains("bobs-secret-client"), printed);
        }
    }

    String whoami(String token) throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stack.service.httpPort() + "/cli/whoami"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void aRefusedConnectIsExplainedInWordsOnThePersonsOwnPageAndWhoamiOnly() throws Exception {
        HttpBrowser b = browser();
        String webToken = pageToken(b, "alice");
        saml2nats.session.Identity alice = stack.service.sessions().findByToken(webToken).orElseThrow().identity();
        String ended = stack.service.sessions().create(alice, Duration.ofHours(1)).token();
        stack.service.sessions().end(saml2nats.session.AccessToken.hash(ended),
                new saml2nats.session.Ending(saml2nats.session.Ending.Cause.SIGN_OUT, alice.subject()));
        assertThrows(java.io.IOException.class, () -> stack.connect(ended), "an ended session's token is refused");
        String expired = stack.service.sessions().create(alice, Duration.ofMillis(1200)).token();
        Thread.sleep(1500);
        assertThrows(java.io.IOException.class, () -> stack.connect(expired), "an expired session's token is refused");

        String card = saml2nats.testing.Eventually.value(Duration.ofSeconds(5), () -> {
            Matcher m = Pattern.compile("<div class=card id=refused>(.*?)</div>", Pattern.DOTALL).matcher(b.get("/").body());
            return m.find() ? m.group(1) : "";
        }, c -> c.contains("expired at") && c.contains("ended by"));
        assertTrue(card.contains("your session was ended by a sign-out in a browser at ") && card.contains("(UNKNOWN_TOKEN)"), card);
        assertTrue(card.contains("this token&#39;s session expired at ") || card.contains("this token's session expired at "), card);
        assertTrue(card.indexOf("expired at") < card.indexOf("ended by"), "most recent first: " + card);
        assertTrue(stack.audit().lines().anyMatch(l -> l.contains("\"reason\":\"UNKNOWN_TOKEN\"")
                && l.contains("\"subject\":\"" + alice.subject() + "\"") && l.contains("ended by a sign-out")),
                "the audit names whose token it was, and why: " + stack.audit());

        // a person whose groups the mapping does not grant: told which groups, in whoami
        saml2nats.session.Identity dana = new saml2nats.session.Identity("dev", "dana@example.com", "dana@example.com", "dana",
                "Dana", List.of("marketing"));
        String danaToken = stack.signIn(dana, Duration.ofHours(1));
        assertThrows(java.io.IOException.class, () -> stack.connect(danaToken));
        String danas = saml2nats.testing.Eventually.value(Duration.ofSeconds(5), () -> whoami(danaToken),
                w -> w.contains("NO_MATCHING_ROLE"));
        assertTrue(danas.contains("NO_MATCHING_ROLE") && danas.contains("marketing"), danas);
        String bobs = whoami(stack.signIn(saml2nats.testing.People.BOB, Duration.ofHours(1)));
        assertTrue(bobs.contains("\"refused\":[]"), "another person sees none of it: " + bobs);
        assertFalse(whoami(danaToken).contains("ended by"), "dana sees none of alice's");
    }
}
