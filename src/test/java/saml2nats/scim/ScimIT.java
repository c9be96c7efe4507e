package saml2nats.scim;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.UserResource;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.jnh.connector.JavaNetHttpConnectorProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import saml2nats.json.JsonObject;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;

/**
 * SCIM against the running service and a real nats-server: UnboundID's SCIM 2 client drives
 * users and groups, raw requests carry Okta's and Entra ID's exact shapes, and what a
 * deactivation or a group change does is watched on live NATS connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScimIT {
    private static final String TOKEN = "scim-token-for-the-test-idp-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();
    private CalloutStack stack;
    private Client jaxrs;
    private ScimService scim;
    private String base;

    @BeforeAll
    void start(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scim-token"), TOKEN);
        Files.setPosixFilePermissions(dir.resolve("scim-token"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int port = NatsServerProcess.freePort();
        stack = CalloutStack.start(dir, Mappings.MATRIX, false, """
                dev_idp: true
                scim:
                  - idp: dev
                    token_file: scim-token
                    match: email
                """, port);
        base = "http://localhost:" + port;
        jaxrs = ClientBuilder.newClient(new ClientConfig().connectorProvider(new JavaNetHttpConnectorProvider()))
                .register((ClientRequestFilter) request -> request.getHeaders().putSingle("Authorization", "Bearer " + TOKEN));
        scim = new ScimService(jaxrs.target(base + "/scim/v2"));
    }

    @AfterAll
    void stop() throws Exception {
        if (jaxrs != null) {
            jaxrs.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static UserResource user(String email) {
        UserResource u = new UserResource().setUserName(email).setActive(true).setDisplayName(email)
                .setName(new Name().setGivenName("Alice").setFamilyName("Liddell"));
        u.setEmails(List.of(new Email().setValue(email).setType("work").setPrimary(true)));
        return u;
    }

    private HttpResponse<String> raw(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/scim/v2" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/scim+json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theUnboundIdClientCreatesFindsReplacesPatchesAndDeletesUsersAndGroups() throws Exception {
        UserResource created = scim.create("Users", user("carol@example.com"));
        assertNotNull(created.getId());
        ListResponse<UserResource> found = scim.searchRequest("Users").filter("userName eq \"carol@example.com\"")
                .invoke(UserResource.class);
        assertEquals(1, found.getTotalResults());
        assertEquals(created.getId(), found.getResources().get(0).getId());

        created.setDisplayName("Carol C.");
        UserResource replaced = scim.replace(created);
        assertEquals("Carol C.", replaced.getDisplayName());
        assertEquals("Carol C.", scim.retrieve("Users", created.getId(), UserResource.class).getDisplayName());

        UserResource patched = scim.modifyRequest("Users", created.getId()).replaceValue("active", false)
                .invoke(UserResource.class);
        assertEquals(Boolean.FALSE, patched.getActive());

        GroupResource group = new GroupResource().setDisplayName("watch")
                .setMembers(List.of(new Member().setValue(created.getId())));
        GroupResource g = scim.create("Groups", group);
        assertEquals(1, scim.searchRequest("Groups").filter("displayName eq \"watch\"").invoke(GroupResource.class)
                .getTotalResults());
        GroupResource renamed = scim.modifyRequest("Groups", g.getId()).replaceValue("displayName", "watchers")
                .invoke(GroupResource.class);
        assertEquals("watchers", renamed.getDisplayName());
        scim.modifyRequest("Groups", g.getId()).removeValues("members[value eq \"" + created.getId() + "\"]")
                .invoke(GroupResource.class);
        GroupResource emptied = scim.retrieve("Groups", g.getId(), GroupResource.class);
        assertTrue(emptied.getMembers() == null || emptied.getMembers().isEmpty(), "member removed");
        scim.modifyRequest("Groups", g.getId()).addValues("members", List.of(new Member().setValue(created.getId())))
                .invoke(GroupResource.class);
        assertEquals(1, scim.retrieve("Groups", g.getId(), GroupResource.class).getMembers().size());

        scim.delete("Groups", g.getId());
        scim.delete("Users", created.getId());
        var gone = assertThrows(com.unboundid.scim2.common.exceptions.ScimException.class,
                () -> scim.retrieve("Users", created.getId(), UserResource.class));
        assertEquals(404, gone.getScimError().getStatus());
    }

    @Test
    void eachMalformedRequestGetsItsScimErrorAndChangesNothing() throws Exception {
        UserResource dave = scim.create("Users", user("dave@example.com"));
        String before = scim.retrieve("Users", dave.getId(), UserResource.class).getMeta().getVersion();
        String id = dave.getId();
        assertScimError(raw("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",", TOKEN), 400, "invalidSyntax");
        assertScimError(raw("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false},"
                + "{\"op\":\"replace\",\"path\":\"shoeSize\",\"value\":\"42\"}]}", TOKEN), 400, "invalidPath");
        assertScimError(raw("GET", "/Users?filter=" + java.net.URLEncoder.encode("userName sw \"d\"",
                java.nio.charset.StandardCharsets.UTF_8), null, TOKEN), 400, "invalidFilter");
        assertScimError(raw("POST", "/Users", "{\"userName\":\"dave@example.com\"}", TOKEN), 409, "uniqueness");
        assertScimError(raw("GET", "/Users/" + id, null, null), 401, "");
        assertScimError(raw("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}",
                "not-the-token-0123456789012345678901234"), 401, "");
        UserResource after = scim.retrieve("Users", id, UserResource.class);
        assertEquals(before, after.getMeta().getVersion(), "nothing changed");
        assertEquals(Boolean.TRUE, after.getActive(), "the valid first operation of the refused PATCH did not apply");
        String audit = stack.audit();
        assertTrue(audit.contains("\"action\":\"scim\",\"outcome\":\"deny\",\"reason\":\"UNAUTHORIZED\""), audit);
        assertFalse(audit.contains(TOKEN), "no token in the audit");
        assertEquals(2.0, stack.service.metrics().find("saml2nats.scim.requests").tag("outcome", "UNAUTHORIZED").counter().count(),
                "both refused tokens are counted");
        assertTrue(stack.service.metrics().find("saml2nats.scim.requests").tag("outcome", "INVALID_PATH").counter().count() >= 1);
    }

    private static void assertScimError(HttpResponse<String> r, int status, String scimType) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/scim+json"), r.headers().toString());
        JsonObject error = JsonObject.parse(r.body());
        assertEquals(List.of("urn:ietf:params:scim:api:messages:2.0:Error"), error.texts("schemas"), r.body());
        assertEquals(String.valueOf(status), error.text("status").orElse(""), r.body());
        assertEquals(scimType, error.text("scimType").orElse(""), r.body());
    }

    /** Okta's shapes: probe by userName, create, deactivate with a value object. */
    @Test
    void oktasDeactivationKicksAlicesConnectionsRefusesHerTokenAndHerNextSignIn() throws Exception {
        HttpResponse<String> probe = raw("GET", "/Users?filter=" + java.net.URLEncoder.encode("userName eq \"alice@example.com\"",
                java.nio.charset.StandardCharsets.UTF_8) + "&startIndex=1&count=100", null, TOKEN);
        assertEquals(200, probe.statusCode(), probe.body());
        assertEquals(0, JsonObject.parse(probe.body()).number("totalResults").orElseThrow());
        HttpResponse<String> created = raw("POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"alice@example.com\",\"name\":{\"givenName\":\"Alice\",\"familyName\":\"Developer\"},"
                + "\"emails\":[{\"primary\":true,\"value\":\"alice@example.com\",\"type\":\"work\"}],"
                + "\"displayName\":\"Alice Developer\",\"locale\":\"en-US\",\"externalId\":\"00u1okta\",\"groups\":[],"
                + "\"password\":\"ignored\",\"active\":true}", TOKEN);
        assertEquals(201, created.statusCode(), created.body());
        String id = JsonObject.parse(created.body()).text("id").orElseThrow();
        assertTrue(created.headers().firstValue("Location").orElse("").endsWith("/scim/v2/Users/" + id));

        String token = stack.signIn(ALICE, Duration.ofHours(8));
        try (CalloutStack.Client one = stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0));
             CalloutStack.Client two = stack.connect(new Options.Builder().token(token.toCharArray()).maxReconnects(0))) {
            long t0 = System.nanoTime();
            HttpResponse<String> off = raw("PATCH", "/Users/" + id, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                    + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}", TOKEN);
            long answered = System.nanoTime();
            assertEquals(200, off.statusCode(), off.body());
            assertEquals(ConnectionListener.Events.CLOSED, one.awaitClosed(Duration.ofSeconds(2)), "first connection kicked");
            assertEquals(ConnectionListener.Events.CLOSED, two.awaitClosed(Duration.ofSeconds(2)), "second connection kicked");
            long closed = System.nanoTime();
            long ms = Math.max(0, closed - answered) / 1_000_000;
            System.out.println("SCIM deactivation: answered in " + (answered - t0) / 1_000_000 + " ms, last close "
                    + (closed - t0) / 1_000_000 + " ms after the request, " + ms + " ms after the answer");
            assertTrue(ms < 1000, "kicked within 1 s of the SCIM answer, took " + ms + " ms");
        }
        assertThrows(IOException.class, () -> stack.connect(token), "the token is refused");
        assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().anyMatch(l ->
                l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"SCIM\"") && l.contains("2 connections closed"))),
                stack.audit());

        HttpResponse<String> page = new HttpBrowser(base).postToAcsFromDevIdp("alice");
        assertEquals(403, page.statusCode(), page.body());
        assertTrue(page.body().contains("deactivated"), page.body());

        raw("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":true}}]}", TOKEN);
        assertEquals(303, new HttpBrowser(base).postToAcsFromDevIdp("alice").statusCode(), "reactivated: she signs in again");
        assertEquals(204, raw("DELETE", "/Users/" + id, null, TOKEN).statusCode());
    }

    /** Entra ID's shapes: groups by displayName, members added with a path and a list, removed by filter. */
    @Test
    void aGroupChangeKicksAlicesConnectionAndSheReconnectsWithTheNewGrant() throws Exception {
        String erin = JsonObject.parse(raw("POST", "/Users", "{\"userName\":\"erin@example.com\",\"active\":true,"
                + "\"emails\":[{\"value\":\"erin@example.com\",\"type\":\"work\",\"primary\":true}]}", TOKEN).body())
                .text("id").orElseThrow();
        String devs = JsonObject.parse(raw("POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
                + "\"displayName\":\"eng-developers\",\"externalId\":\"e1\",\"members\":[{\"value\":\"" + erin + "\"}]}",
                TOKEN).body()).text("id").orElseThrow();
        String watchers = JsonObject.parse(raw("POST", "/Groups", "{\"displayName\":\"watch\",\"members\":[]}",
                TOKEN).body()).text("id").orElseThrow();
        saml2nats.session.Identity erinAtDev = new saml2nats.session.Identity("dev", "erin@example.com", "erin@example.com",
                "erin", "Erin", List.of("eng-developers"));
        String token = stack.signIn(erinAtDev, Duration.ofHours(8));
        try (CalloutStack.Client c = stack.connect(new Options.Builder().token(token.toCharArray())
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)))) {
            c.connection.publish("dev.before", new byte[]{1});
            c.connection.flush(Duration.ofSeconds(2));
            assertTrue(c.errors.isEmpty(), "a developer may publish: " + c.errors);

            assertEquals(200, raw("PATCH", "/Groups/" + watchers, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                    + "\"Operations\":[{\"op\":\"Add\",\"path\":\"members\",\"value\":[{\"value\":\"" + erin + "\"}]}]}", TOKEN).statusCode());
            assertEquals(200, raw("PATCH", "/Groups/" + devs, "{\"Operations\":[{\"op\":\"Remove\",\"path\":\"members[value eq \\\""
                    + erin + "\\\"]\"}]}", TOKEN).statusCode());
            assertTrue(Eventually.holds(Duration.ofSeconds(10), () -> c.events.contains(ConnectionListener.Events.RESUBSCRIBED)),
                    "kicked, and back with the watchers' grant: " + c.events);
            assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> {
                c.connection.publish("dev.after", new byte[]{1});
                c.connection.flush(Duration.ofSeconds(1));
                return c.errors.stream().anyMatch(e -> e.contains("Permissions Violation"));
            }), "a watcher may not publish: " + c.errors);
        }
        assertTrue(stack.audit().contains("\"reason\":\"GROUP_CHANGED\""), stack.audit());
        assertTrue(Eventually.holds(Duration.ofSeconds(3), () -> stack.audit().lines().anyMatch(l ->
                l.contains("\"action\":\"kick\"") && l.contains("\"reason\":\"SCIM\"") && l.contains("groups now [watch]"))),
                stack.audit());
    }
}
