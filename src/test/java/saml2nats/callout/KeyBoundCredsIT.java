package saml2nats.callout;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.cli.CliException;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key-bound creds on a real operator-mode nats-server (2.10 and 2.15): the CLI makes a user key,
 * proves it, gets a user JWT and writes a creds file; jnats connects with it and no callout request
 * reaches the responder; the grant's permissions hold; ending the session revokes the key in the
 * account JWT, so the server closes the connection and refuses the creds from then on. A copied
 * token alone gets neither a connection nor creds of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyBoundCredsIT {
    final TestIdp idp = new TestIdp();
    CalloutStack stack;
    String base;
    Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        stack = CalloutStack.startOperator(dir, Mappings.MATRIX, false, false, idp.config(dir), true);
        base = "http://127.0.0.1:" + stack.service.httpPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    record SignedIn(NatsContext contexts, String token, Path creds) { }

    /** {@code saml2nats login --creds} as the command runs it: sign in, then the key, the proof and the creds file. */
    SignedIn loginWithCreds(String context, String email, String... groups) throws Exception {
        HttpBrowser person = idp.signIn(base, email, groups);
        NatsContext contexts = new NatsContext(dir.resolve("home-" + context));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        ServiceClient.Answer token = new Login(new ServiceClient(URI.create(base)), contexts, quiet, new SecureRandom(),
                d -> Thread.sleep(d.toMillis())).withBrowser(context, person.approvingCli("allow"));
        new CredsFile(new ServiceClient(URI.create(base)), contexts, quiet).create(context, token.text("token"), new SecureRandom());
        JsonObject nats = JsonObject.parse(Files.readString(contexts.natsFile(context)));
        return new SignedIn(contexts, token.text("token"), Path.of(nats.text("creds").orElseThrow()));
    }

    long callouts() throws IOException {
        return stack.audit().lines().filter(l -> l.contains("\"action\":\"connect\"")).count();
    }

    static Options.Builder withCreds(Path creds, LinkedBlockingQueue<ConnectionListener.Events> events,
                                     LinkedBlockingQueue<String> errors) {
        return new Options.Builder().authHandler(Nats.credentials(creds.toString())).maxReconnects(0)
                .connectionListener((c, e) -> events.add(e)).errorListener(new io.nats.client.ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                });
    }

    @Test
    void credsConnectWithoutACalloutWithTheGrantAndTheSessionsEndClosesAndRefusesThemThroughTheServer() throws Exception {
        SignedIn ann = loginWithCreds("ann", "ann@acme.test", "eng-developers");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ann.creds())));
        String credsText = Files.readString(ann.creds());
        assertTrue(credsText.contains("-----BEGIN USER NKEY SEED-----\nSU"), "the seed stays in the file here");

        long before = callouts();
        LinkedBlockingQueue<ConnectionListener.Events> events = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> errors = new LinkedBlockingQueue<>();
        Connection nc = Nats.connect(withCreds(ann.creds(), events, errors).server(stack.server.url()).build());
        try {
            var sub = nc.subscribe("dev.creds");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("dev.creds", new byte[]{1});
            assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "the grant's own subjects work");
            nc.publish("ops.not-mine", new byte[]{1});
            String violation = errors.poll(3, TimeUnit.SECONDS);
            assertTrue(violation != null && violation.contains("Permissions Violation"), "outside the grant: " + violation);
            assertEquals(before, callouts(), "no callout request for a creds connect");
            String session = stack.service.sessions().findByToken(ann.token()).orElseThrow().id();
            assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> stack.service.connections().orElseThrow().all().stream()
                    .anyMatch(l -> l.session().equals(session))), "the ledger ties the creds connection to her session");

            long ended = System.nanoTime();
            stack.service.sessions().end(AccessToken.hash(ann.token()), new Ending(Ending.Cause.ADMIN, "olga@example.com"));
            assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> nc.getStatus() == Connection.Status.CLOSED),
                    "the server closed the revoked key's connection: " + events + " " + errors);
            System.out.println("revocation: session end to the server's close of the creds connection in "
                    + (System.nanoTime() - ended) / 1_000_000 + " ms");
        } finally {
            nc.close();
        }
        IOException refused = assertThrows(IOException.class, () -> Nats.connect(withCreds(ann.creds(),
                new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>()).server(stack.server.url()).build()));
        assertTrue(String.valueOf(refused.getMessage()).toLowerCase().contains("authorization")
                || String.valueOf(refused.getMessage()).toLowerCase().contains("revoked"), refused.toString());
        assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().anyMatch(l ->
                l.contains("\"action\":\"creds\"") && l.contains("\"reason\":\"ADMIN\"") && l.contains("revoked in the account JWTs"))),
                stack.audit());
        CliException late = assertThrows(CliException.class, () -> new CredsFile(new ServiceClient(URI.create(base)),
                ann.contexts(), new PrintStream(new ByteArrayOutputStream())).refresh("ann"));
        assertTrue(late.getMessage().contains("login"), "renewal after the end says to sign in again: " + late.getMessage());
    }

    @Test
    void aCopiedTokenAloneNeitherConnectsNorGetsCredsForAKeyOfItsOwn() throws Exception {
        SignedIn ben = loginWithCreds("ben", "ben@acme.test", "eng-developers");
        assertThrows(IOException.class, () -> stack.connect(ben.token()), "the bound session's token does not connect");
        assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().contains("\"reason\":\"KEY_BOUND\"")),
                stack.audit());
        NKey thief = NKey.createUser(new SecureRandom());
        HttpResponse<String> other = credsFor(ben.token(), thief, thief);
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(other.body().contains("\"error\":\"other_key\""), other.body());
    }

    @Test
    void renewalGivesTheSameKeyANewJwtAndTheClientStaysAcrossTheOldOnesExpiry() throws Exception {
        SignedIn cy = loginWithCreds("cy", "cy@acme.test", "short"); // the role's JWTs live 2 s
        String first = Files.readString(cy.creds());
        LinkedBlockingQueue<ConnectionListener.Events> events = new LinkedBlockingQueue<>();
        Connection nc = Nats.connect(withCreds(cy.creds(), events, new LinkedBlockingQueue<>()).maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(100)).server(stack.server.url()).build());
        try {
            CredsFile refresher = new CredsFile(new ServiceClient(URI.create(base)), cy.contexts(),
                    new PrintStream(new ByteArrayOutputStream()));
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until) { // as saml2nats creds refresh in a loop would
                refresher.refresh("cy");
                Thread.sleep(700);
            }
            assertNotEquals(first, Files.readString(cy.creds()), "a new JWT was written");
            assertTrue(first.contains(seedOf(Files.readString(cy.creds()))), "for the same key");
            var sub = nc.subscribe("dev.renewed");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("dev.renewed", new byte[]{1});
            assertNotNull(sub.nextMessage(Duration.ofSeconds(2)), "still connected, past several 2 s JWTs: " + events);
        } finally {
            nc.close();
        }
    }

    @Test
    void aMappingEditThatChangesTheGrantRevokesTheOldJwtAndARefreshASecondLaterGetsTheNewGrant() throws Exception {
        SignedIn fay = loginWithCreds("fay", "fay@acme.test", "send"); // role senders: publish dev.inbox.> only
        Connection nc = Nats.connect(withCreds(fay.creds(), new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>())
                .server(stack.server.url()).build());
        Path mapping = dir.resolve("mapping.yaml");
        String before = Files.readString(mapping);
        try {
            Files.writeString(mapping, before.replace("publish:   { allow: [\"dev.inbox.>\"] }", "publish:   { allow: [\"dev.outbox.>\"] }"));
            assertTrue(stack.service.policy().checkNow(), "the edit took effect");
            assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> nc.getStatus() == Connection.Status.CLOSED),
                    "the JWT with the old grant is revoked and its connection closed by the server");
            Thread.sleep(1100); // a JWT issued in the revocation's own second would be revoked too
            new CredsFile(new ServiceClient(URI.create(base)), fay.contexts(), new PrintStream(new ByteArrayOutputStream()))
                    .refresh("fay");
            LinkedBlockingQueue<String> errors = new LinkedBlockingQueue<>();
            try (Connection again = Nats.connect(withCreds(fay.creds(), new LinkedBlockingQueue<>(), errors)
                    .server(stack.server.url()).build())) {
                again.publish("dev.inbox.old", new byte[]{1});
                String violation = errors.poll(3, TimeUnit.SECONDS);
                assertTrue(violation != null && violation.contains("Permissions Violation"), "the new grant: " + violation);
            }
        } finally {
            nc.close();
            Files.writeString(mapping, before);
            stack.service.policy().checkNow();
        }
    }

    @Test
    void badKeysAndProofsAreRefusedWithTheirReasonAndNothingIsIssued() throws Exception {
        SignedIn dot = loginWithCreds("dot", "dot@acme.test", "eng-developers");
        NKey key = NKey.fromSeed(seedOf(Files.readString(dot.creds())).toCharArray());
        assertRefused(post(dot.token(), "cli/creds", Map.of("public_key", "UNOTAKEY", "challenge", challenge(dot.token()),
                "signature", "x")), 400, "malformed_key");
        NKey account = NKey.createAccount(new SecureRandom());
        assertRefused(credsFor(dot.token(), account, account), 400, "not_a_user_key");
        NKey stranger = NKey.createUser(new SecureRandom());
        assertRefused(credsFor(dot.token(), key, stranger), 403, "bad_proof");

        String challenge = challenge(dot.token());
        Map<String, String> proof = Map.of("public_key", new String(key.getPublicKey()), "challenge", challenge,
                "signature", sign(key, challenge));
        assertEquals(200, post(dot.token(), "cli/creds", proof).statusCode());
        assertRefused(post(dot.token(), "cli/creds", proof), 400, "unknown_challenge");
    }

    @Test
    void withoutAnOperatorKeyNothingIsIssuedAndTheAnswerNamesTheSetting(@TempDir Path other) throws Exception {
        TestIdp plain = new TestIdp();
        try (CalloutStack noKey = CalloutStack.startOperator(other, Mappings.MATRIX, false, false, plain.config(other), false)) {
            String at = "http://127.0.0.1:" + noKey.service.httpPort();
            HttpBrowser eve = plain.signIn(at, "eve@acme.test", "eng-developers");
            ServiceClient.Answer token = new Login(new ServiceClient(URI.create(at)), new NatsContext(other.resolve("home")),
                    new PrintStream(new ByteArrayOutputStream()), new SecureRandom(), d -> Thread.sleep(d.toMillis()))
                    .withBrowser("eve", eve.approvingCli("allow"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(at + "/cli/creds/challenge"))
                    .header("Authorization", "Bearer " + token.text("token")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertRefused(r, 409, "no_operator_key");
            assertTrue(r.body().contains("operator.operator_seed_file"), r.body());
        }
    }

    static String seedOf(String creds) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-----BEGIN USER NKEY SEED-----\\s*(SU[A-Z2-7]+)\\s").matcher(creds);
        assertTrue(m.find(), creds);
        return m.group(1);
    }

    static void assertRefused(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"error\":\"" + error + "\""), r.body());
    }

    String challenge(String token) throws Exception {
        HttpResponse<String> r = post(token, "cli/creds/challenge", Map.of());
        assertEquals(200, r.statusCode(), r.body());
        return JsonObject.parse(r.body()).text("challenge").orElseThrow();
    }

    static String sign(NKey key, String challenge) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                key.sign((KeyBoundCreds.PROOF_PREFIX + challenge).getBytes(StandardCharsets.UTF_8)));
    }

    /** Asks creds for {@code claimed}'s public key with a proof signed by {@code signer}. */
    HttpResponse<String> credsFor(String token, NKey claimed, NKey signer) throws Exception {
        String challenge = challenge(token);
        return post(token, "cli/creds", Map.of("public_key", new String(claimed.getPublicKey()), "challenge", challenge,
                "signature", sign(signer, challenge)));
    }

    HttpResponse<String> post(String token, String path, Map<String, String> form) throws Exception {
        String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "="
                + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
