package saml2nats.scim;

import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON of users and groups: as SCIM clients send and read them (RFC 7643), and as
 * the directory stores them. Reading is lenient where IdPs differ (Entra ID sends
 * {@code "False"} for false) and strict where a wrong value would change access.
 */
final class ResourceJson {
    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

    private ResourceJson() { }

    static JsonObject body(String text) throws ScimException {
        try {
            return JsonObject.parse(text);
        } catch (JsonException e) {
            throw new ScimException(ScimError.INVALID_SYNTAX, "the body is " + (e.problem() == JsonException.Problem.NOT_AN_OBJECT
                    ? "not a JSON object" : "not JSON") + ": send one SCIM resource as a JSON object");
        }
    }

    /** A user's attributes from a POST or PUT body; id, idp, times and version are the caller's. */
    static ScimUser user(JsonObject in, String id, String idp, Instant now) throws ScimException {
        String userName = in.text("userName").map(String::trim).orElse("");
        if (userName.isEmpty()) {
            throw new ScimException(ScimError.INVALID_SYNTAX, "userName is required (a non-empty string)");
        }
        boolean active = in.has("active") ? bool(in, "active") : true;
        Optional<JsonObject> name = in.object("name");
        return new ScimUser(id, idp, userName, in.text("externalId").orElse(""), active, in.text("displayName").orElse(""),
                name.flatMap(n -> n.text("givenName")).orElse(""), name.flatMap(n -> n.text("familyName")).orElse(""),
                emails(in.objects("emails")), now, now, 1);
    }

    static List<ScimUser.Email> emails(List<JsonObject> list) {
        List<ScimUser.Email> out = new ArrayList<>();
        for (JsonObject e : list) {
            e.text("value").filter(v -> !v.isBlank()).ifPresent(v -> out.add(new ScimUser.Email(v.trim(),
                    e.text("type").orElse(""), e.bool("primary").orElse(false)
                            || e.text("primary").map("true"::equalsIgnoreCase).orElse(false))));
        }
        return out;
    }

    /** A boolean, also as Entra ID sends it in PATCH ({@code "True"}, {@code "False"}). */
    static boolean bool(JsonObject in, String key) throws ScimException {
        Optional<Boolean> b = in.bool(key);
        if (b.isPresent()) {
            return b.get();
        }
        String text = in.text(key).map(t -> t.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true");
        }
        throw new ScimException(ScimError.INVALID_VALUE, key + " must be true or false");
    }

    static ScimGroup group(JsonObject in, String id, String idp, Instant now) throws ScimException {
        String name = in.text("displayName").map(String::trim).orElse("");
        if (name.isEmpty()) {
            throw new ScimException(ScimError.INVALID_SYNTAX, "displayName is required (the group's name, as the "
                    + "SAML groups attribute carries it)");
        }
        return new ScimGroup(id, idp, name, in.text("externalId").orElse(""), memberIds(in.objects("members")), now, now, 1);
    }

    static List<String> memberIds(List<JsonObject> members) {
        return members.stream().flatMap(m -> m.text("value").stream()).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    // ---- what clients read ----

    static JsonBuilder scim(ScimUser u, String base, List<ScimGroup> groups) {
        JsonBuilder b = JsonBuilder.object().texts("schemas", List.of(USER_SCHEMA)).text("id", u.id())
                .textIfAny("externalId", u.externalId()).text("userName", u.userName())
                .object("name", JsonBuilder.object().textIfAny("givenName", u.givenName()).textIfAny("familyName", u.familyName()))
                .textIfAny("displayName", u.displayName()).bool("active", u.active())
                .objects("emails", u.emails().stream().map(e -> JsonBuilder.object().text("value", e.value())
                        .textIfAny("type", e.type()).bool("primary", e.primary())).toList())
                .objects("groups", groups.stream().map(g -> JsonBuilder.object().text("value", g.id())
                        .text("display", g.displayName()).text("$ref", base + "/Groups/" + g.id())).toList());
        return b.object("meta", meta("User", base + "/Users/" + u.id(), u.created(), u.modified(), u.version()));
    }

    static JsonBuilder scim(ScimGroup g, String base, Function<String, String> displayOf, boolean withMembers) {
        JsonBuilder b = JsonBuilder.object().texts("schemas", List.of(GROUP_SCHEMA)).text("id", g.id())
                .textIfAny("externalId", g.externalId()).text("displayName", g.displayName());
        if (withMembers) {
            b.objects("members", g.members().stream().map(m -> JsonBuilder.object().text("value", m)
                    .textIfAny("display", displayOf.apply(m)).text("$ref", base + "/Users/" + m)).toList());
        }
        return b.object("meta", meta("Group", base + "/Groups/" + g.id(), g.created(), g.modified(), g.version()));
    }

    static JsonBuilder meta(String type, String location, Instant created, Instant modified, long version) {
        return JsonBuilder.object().text("resourceType", type).text("created", created.toString())
                .text("lastModified", modified.toString()).text("location", location).text("version", etag(version));
    }

    static String etag(long version) {
        return "W/\"" + version + "\"";
    }

    static JsonBuilder list(List<JsonBuilder> page, int total, int startIndex) {
        return JsonBuilder.object().texts("schemas", List.of(LIST_SCHEMA)).number("totalResults", total)
                .number("startIndex", startIndex).number("itemsPerPage", page.size()).objects("Resources", page);
    }

    static JsonBuilder error(ScimError e, String detail) {
        JsonBuilder b = JsonBuilder.object().texts("schemas", List.of(ERROR_SCHEMA)).text("status", String.valueOf(e.status()));
        return b.textIfAny("scimType", e.scimType()).text("detail", detail);
    }

    // ---- what the directory stores ----

    static byte[] stored(ScimUser u) {
        return JsonBuilder.object().text("id", u.id()).text("idp", u.idp()).text("userName", u.userName())
                .textIfAny("externalId", u.externalId()).bool("active", u.active()).textIfAny("displayName", u.displayName())
                .textIfAny("givenName", u.givenName()).textIfAny("familyName", u.familyName())
                .objects("emails", u.emails().stream().map(e -> JsonBuilder.object().text("value", e.value())
                        .textIfAny("type", e.type()).bool("primary", e.primary())).toList())
                .number("created", u.created().toEpochMilli()).number("modified", u.modified().toEpochMilli())
                .number("version", u.version()).toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static ScimUser storedUser(byte[] bytes) {
        JsonObject v = storedObject(bytes);
        return new ScimUser(v.text("id").orElseThrow(), v.text("idp").orElse(""), v.text("userName").orElse(""),
                v.text("externalId").orElse(""), v.bool("active").orElse(false), v.text("displayName").orElse(""),
                v.text("givenName").orElse(""), v.text("familyName").orElse(""), emails(v.objects("emails")),
                Instant.ofEpochMilli(v.number("created").orElse(0)), Instant.ofEpochMilli(v.number("modified").orElse(0)),
                v.number("version").orElse(1));
    }

    static byte[] stored(ScimGroup g) {
        return JsonBuilder.object().text("id", g.id()).text("idp", g.idp()).text("displayName", g.displayName())
                .textIfAny("externalId", g.externalId()).texts("members", g.members())
                .number("created", g.created().toEpochMilli()).number("modified", g.modified().toEpochMilli())
                .number("version", g.version()).toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static ScimGroup storedGroup(byte[] bytes) {
        JsonObject v = storedObject(bytes);
        return new ScimGroup(v.text("id").orElseThrow(), v.text("idp").orElse(""), v.text("displayName").orElse(""),
                v.text("externalId").orElse(""), v.texts("members"), Instant.ofEpochMilli(v.number("created").orElse(0)),
                Instant.ofEpochMilli(v.number("modified").orElse(0)), v.number("version").orElse(1));
    }

    private static JsonObject storedObject(byte[] bytes) {
        try {
            return JsonObject.parse(bytes);
        } catch (JsonException e) {
            throw new IllegalStateException("a SCIM directory entry is not JSON: " + e.getMessage(), e);
        }
    }
}
