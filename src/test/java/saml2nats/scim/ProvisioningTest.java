package saml2nats.scim;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import saml2nats.audit.AuditLog;
import saml2nats.config.Config;
import saml2nats.json.JsonObject;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyLoader;
import saml2nats.policy.Tenancy;
import saml2nats.session.AccessToken;
import saml2nats.session.CaffeineSessionStore;
import saml2nats.session.Ending;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;
import saml2nats.store.StateBackend;
import saml2nats.testing.Mappings;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;
import static saml2nats.testing.People.BOB;

/** Provisioning without servers: the directory in memory, sessions in Caffeine, the kicks recorded. */
class ProvisioningTest {
    static final String TOKEN = "okta-scim-token-0123456789abcdefghijklmnop";
    private final Clock clock = Clock.systemUTC();
    private final ByteArrayOutputStream auditOut = new ByteArrayOutputStream();
    private final List<Session> reauthorized = new ArrayList<>();
    private final List<SessionStore.Ended> ended = new ArrayList<>();
    private SessionStore sessions;
    private Directory directory;
    private Provisioning scim;

    @BeforeEach
    void setUp() throws Exception {
        Policy policy = new PolicyLoader(Set.of("DEV", "OPS"), Tenancy.OPEN).parse("m.yaml", Mappings.MATRIX);
        sessions = new CaffeineSessionStore(1000, clock, new AccessToken(new SecureRandom()));
        sessions.onEnd(ended::add);
        Config.Scim config = new Config.Scim("dev", MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8)), Config.Scim.Match.EMAIL);
        AuditLog audit = new AuditLog(new PrintStream(auditOut, true, StandardCharsets.UTF_8));
        directory = new Directory(StateBackend.embedded(1000, clock).slots(Directory.BUCKET), clock);
        scim = new Provisioning(List.of(config), directory, sessions, () -> policy,
                (s, why) -> reauthorized.add(s), audit, clock, "https://nats-login.example.com");
    }

    private String audit() {
        return auditOut.toString(StandardCharsets.UTF_8);
    }

    static String alice(boolean active) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"alice@example.com\","
                + "\"name\":{\"givenName\":\"Alice\",\"familyName\":\"Liddell\"},\"emails\":[{\"primary\":true,"
                + "\"value\":\"alice@example.com\",\"type\":\"work\"}],\"displayName\":\"Alice\",\"active\":" + active + "}";
    }

    private String create(String body) throws ScimException {
        Provisioning.Answer a = scim.createUser("dev", body);
        assertEquals(201, a.status(), a.json());
        return id(a);
    }

    private static String id(Provisioning.Answer a) {
        try {
            return JsonObject.parse(a.json()).text("id").orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(a.json(), e);
        }
    }

    @Test
    void oneIdpCannotSeeOrChangeAnothersUsers() throws Exception {
        String id = create(alice(true));
        Config.Scim other = new Config.Scim("okta", new byte[32], Config.Scim.Match.EMAIL);
        Provisioning two = new Provisioning(List.of(other), directory, sessions, () -> null, (s, why) -> { },
                new AuditLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)), clock, "https://x");
        assertEquals(ScimError.NOT_FOUND, assertThrows(ScimException.class, () -> two.user("okta", id)).error());
        assertEquals(ScimError.NOT_FOUND, assertThrows(ScimException.class, () -> two.patchUser("okta", id,
                "{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}")).error());
        assertEquals(0, JsonObject.parse(two.users("okta", null, null, null).json()).number("totalResults").orElseThrow());
        assertFalse(scim.deactivated(ALICE));
    }

    @Test
    void theTokenNamesTheIdpAndNoOtherTokenDoes() {
        assertEquals("dev", scim.idpOf(TOKEN).orElseThrow());
        assertTrue(scim.idpOf(TOKEN + "x").isEmpty());
        assertTrue(scim.idpOf("").isEmpty());
        assertEquals(401, scim.unauthorized("192.0.2.1", true).status());
        assertTrue(audit().contains("\"action\":\"scim\"") && audit().contains("UNAUTHORIZED"), audit());
        assertFalse(audit().contains(TOKEN), "the token never reaches the audit");
    }

    @Test
    void oktasDeactivationEndsEverySessionOfThePersonAndRefusesTheirSignIn() throws Exception {
        String id = create(alice(true));
        SessionStore.Created web = sessions.create(ALICE, Duration.ofHours(8));
        SessionStore.Created cli = sessions.create(ALICE, Duration.ofHours(8));
        SessionStore.Created bob = sessions.create(BOB, Duration.ofHours(8));
        assertFalse(scim.deactivated(ALICE));

        Provisioning.Answer a = scim.patchUser("dev", id, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}");
        assertEquals(200, a.status(), a.json());
        assertTrue(sessions.findByToken(web.token()).isEmpty() && sessions.findByToken(cli.token()).isEmpty(),
                "both of alice's sessions ended");
        assertTrue(sessions.findByToken(bob.token()).isPresent(), "bob's did not");
        assertEquals(2, ended.size());
        ended.forEach(e -> assertEquals(Ending.Cause.SCIM, e.why().cause(), "the kick's audit line will say SCIM"));
        assertTrue(scim.deactivated(ALICE), "a new sign-in is refused");
        assertTrue(audit().contains("USER_DEACTIVATED") && audit().contains("2 session(s) ended"), audit());

        scim.patchUser("dev", id, "{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":true}}]}");
        assertFalse(scim.deactivated(ALICE), "reactivated: sign-in works again");
    }

    @Test
    void entrasStringBooleanDeactivatesToo() throws Exception {
        String id = create(alice(true));
        SessionStore.Created web = sessions.create(ALICE, Duration.ofHours(8));
        scim.patchUser("dev", id, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}");
        assertTrue(sessions.findByToken(web.token()).isEmpty());
        assertTrue(scim.deactivated(ALICE));
    }

    @Test
    void aPersonProvisionedInactiveBeforeTheirFirstSignInIsRefusedAtIt() throws Exception {
        create(alice(false));
        assertTrue(scim.deactivated(ALICE), "the directory knew before the service ever saw alice");
        assertFalse(scim.deactivated(BOB), "a person the directory does not know signs in as the IdP says");
    }

    @Test
    void deletingAUserEndsTheirSessions() throws Exception {
        String id = create(alice(true));
        SessionStore.Created web = sessions.create(ALICE, Duration.ofHours(8));
        assertEquals(204, scim.deleteUser("dev", id).status());
        assertTrue(sessions.findByToken(web.token()).isEmpty());
        assertEquals(404, assertThrows(ScimException.class, () -> scim.user("dev", id)).error().status());
    }

    @Test
    void aGroupChangeGivesLiveSessionsTheNewGroupsAndReauthorizesThoseWhoseGrantChanged() throws Exception {
        String alice = create(alice(true));
        String bob = create(alice(true).replace("alice@example.com", "bob@example.com"));
        SessionStore.Created aliceSession = sessions.create(ALICE, Duration.ofHours(8));
        SessionStore.Created bobSession = sessions.create(BOB, Duration.ofHours(8));
        Provisioning.Answer g = scim.createGroup("dev", "{\"displayName\":\"eng-operators\",\"members\":[{\"value\":\""
                + bob + "\"}]}");
        assertEquals(201, g.status(), g.json());
        assertTrue(reauthorized.isEmpty(), "bob's groups were eng-operators already: his grant is unchanged, no kick");

        // alice moves from developers to operators (Entra's shape: add with a path and a list)
        scim.patchGroup("dev", id(g), "{\"Operations\":[{\"op\":\"Add\",\"path\":\"members\",\"value\":[{\"value\":\""
                + alice + "\"}]}]}");
        Session now = sessions.findByToken(aliceSession.token()).orElseThrow();
        assertEquals(List.of("eng-operators"), now.identity().groups(), "her live session takes the directory's groups");
        assertEquals(List.of(now), reauthorized, "her grant changed (DEV developers to OPS operators): her connections are kicked");
        assertTrue(sessions.findByToken(bobSession.token()).isPresent());

        // Okta's removal shape
        reauthorized.clear();
        scim.patchGroup("dev", id(g), "{\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + alice + "\\\"]\"}]}");
        assertEquals(List.of(), sessions.findByToken(aliceSession.token()).orElseThrow().identity().groups());
        assertEquals(1, reauthorized.size(), "no role left: her connections are kicked and will be refused");
    }

    @Test
    void badRequestsGetTheirScimErrorAndChangeNothing() throws Exception {
        String id = create(alice(true));
        String before = scim.user("dev", id).json();
        assertError(ScimError.INVALID_SYNTAX, () -> scim.patchUser("dev", id, "{not json"));
        assertError(ScimError.INVALID_SYNTAX, () -> scim.patchUser("dev", id, "{\"Operations\":[]}"));
        assertError(ScimError.INVALID_PATH, () -> scim.patchUser("dev", id,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false},"
                        + "{\"op\":\"replace\",\"path\":\"favouriteColour\",\"value\":\"red\"}]}"));
        assertError(ScimError.INVALID_VALUE, () -> scim.patchUser("dev", id,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"maybe\"}]}"));
        assertError(ScimError.INVALID_FILTER, () -> scim.users("dev", "userName co \"alice\"", null, null));
        assertError(ScimError.INVALID_FILTER, () -> scim.users("dev", "title eq \"boss\"", null, null));
        assertError(ScimError.INVALID_SYNTAX, () -> scim.createUser("dev", "{\"active\":true}"));
        assertError(ScimError.UNIQUENESS, () -> scim.createUser("dev", alice(true)));
        assertError(ScimError.MUTABILITY, () -> scim.replaceUser("dev", id, alice(true).replace("{\"schemas\"",
                "{\"id\":\"someone-else\",\"schemas\"")));
        assertEquals(before, scim.user("dev", id).json(), "nothing changed, not even the version");
        assertFalse(scim.deactivated(ALICE), "the valid first operation of the refused PATCH did not apply");
        Provisioning.Answer refusal = scim.refused("dev", assertThrows(ScimException.class, () -> scim.patchUser("dev", id,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"favouriteColour\",\"value\":\"red\"}]}")));
        assertEquals(400, refusal.status());
        JsonObject error = JsonObject.parse(refusal.json());
        assertEquals("invalidPath", error.text("scimType").orElseThrow(), refusal.json());
        assertEquals(List.of("urn:ietf:params:scim:api:messages:2.0:Error"), error.texts("schemas"));
        assertTrue(audit().contains("INVALID_PATH") && audit().contains("favouriteColour"), "refusals are audited: " + audit());
    }

    @Test
    void entrasOtherAttributesAreAcceptedAndFiltersFindTheUser() throws Exception {
        String id = create(alice(true));
        Provisioning.Answer a = scim.patchUser("dev", id, "{\"Operations\":["
                + "{\"op\":\"Add\",\"path\":\"title\",\"value\":\"Engineer\"},"
                + "{\"op\":\"Replace\",\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"alice@example.com\"},"
                + "{\"op\":\"Add\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\",\"value\":\"R&D\"},"
                + "{\"op\":\"Replace\",\"path\":\"name.givenName\",\"value\":\"Alicia\"}]}");
        assertEquals(200, a.status(), a.json());
        JsonObject list = JsonObject.parse(scim.users("dev", "userName eq \"ALICE@example.com\"", null, null).json());
        assertEquals(1, list.number("totalResults").orElseThrow(), "userName is case-insensitive");
        assertEquals("Alicia", list.objects("Resources").get(0).object("name").orElseThrow().text("givenName").orElseThrow());
        assertEquals(0, JsonObject.parse(scim.users("dev", "userName eq \"nobody@example.com\"", null, null).json())
                .number("totalResults").orElseThrow());
        assertEquals(1, JsonObject.parse(scim.users("dev", "emails.value eq \"alice@example.com\"", null, null).json())
                .number("totalResults").orElseThrow());
    }

    private static void assertError(ScimError expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(ScimException.class, call).error());
    }
}
