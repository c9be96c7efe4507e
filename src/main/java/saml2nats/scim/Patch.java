package saml2nats.scim;

import saml2nats.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCIM PATCH (RFC 7644 3.5.2) applied to a copy of a resource: either every operation
 * applies, or the request is refused and nothing changes. Takes the shapes Okta and Entra
 * ID send: a value object without path ({@code {"op":"replace","value":{"active":false}}}),
 * a path with a string value ({@code {"op":"Replace","path":"active","value":"False"}}),
 * a filtered path ({@code emails[type eq "work"].value}, {@code members[value eq "..."]}).
 * Attributes of the User schema this service does not keep (phone numbers, addresses,
 * titles, the enterprise extension) are accepted and ignored; a path that names no
 * attribute at all is {@code invalidPath}.
 */
final class Patch {
    private static final String CORE_USER = ResourceJson.USER_SCHEMA.toLowerCase(Locale.ROOT) + ":";
    private static final String CORE_GROUP = ResourceJson.GROUP_SCHEMA.toLowerCase(Locale.ROOT) + ":";
    private static final String ENTERPRISE = ResourceJson.ENTERPRISE_USER.toLowerCase(Locale.ROOT);
    /** RFC 7643 4.1's User attributes that do not decide access here. */
    private static final Set<String> USER_KEPT_ELSEWHERE = Set.of("nickname", "profileurl", "title", "usertype",
            "preferredlanguage", "locale", "timezone", "password", "phonenumbers", "ims", "photos", "addresses",
            "entitlements", "roles", "x509certificates", "name.formatted", "name.middlename", "name.honorificprefix",
            "name.honorificsuffix", "schemas");
    private static final Pattern EMAIL_OF_TYPE = Pattern.compile("emails\\[type eq \"([^\"]*)\"\\]\\.value");
    private static final Pattern MEMBER = Pattern.compile("members\\[value eq \"([^\"]*)\"\\]");

    enum Op { ADD, REMOVE, REPLACE }

    /** One operation: its value sits under {@code key} in {@code holder} (typed as the client sent it). */
    private record Operation(Op op, String path, JsonObject holder, String key) { }

    private Patch() { }

    /** One attribute's change to a resource. */
    private interface Attribute<T> {
        T apply(T resource, Operation o) throws ScimException;
    }

    /**
     * Every operation in order, on a copy: a path names one attribute; without a path each key of
     * the value object is one (Okta's {@code {"op":"replace","value":{"active":false}}}).
     */
    private static <T> T apply(T resource, JsonObject body, Attribute<T> attribute, String example) throws ScimException {
        T out = resource;
        for (JsonObject o : operations(body)) {
            Op op = op(o);
            String path = o.text("path").map(String::trim).orElse("");
            if (path.isEmpty()) {
                JsonObject value = o.object("value").orElseThrow(() -> new ScimException(ScimError.INVALID_SYNTAX,
                        "an operation without path needs an object value, such as " + example));
                for (String key : value.keys()) {
                    out = attribute.apply(out, new Operation(op, key, value, key));
                }
            } else {
                out = attribute.apply(out, new Operation(op, path, o, "value"));
            }
        }
        return out;
    }

    static List<JsonObject> operations(JsonObject body) throws ScimException {
        List<JsonObject> ops = body.objects("Operations");
        if (ops.isEmpty()) {
            throw new ScimException(ScimError.INVALID_SYNTAX, "a PATCH needs \"Operations\": a non-empty list of "
                    + "{\"op\": \"add\"|\"remove\"|\"replace\", \"path\": ..., \"value\": ...}");
        }
        return ops;
    }

    private static Op op(JsonObject o) throws ScimException {
        String text = o.text("op").orElse("").toLowerCase(Locale.ROOT);
        return switch (text) {
            case "add" -> Op.ADD;
            case "remove" -> Op.REMOVE;
            case "replace" -> Op.REPLACE;
            default -> throw new ScimException(ScimError.INVALID_SYNTAX, "op '" + o.text("op").orElse("")
                    + "' is not one of add, remove, replace");
        };
    }

    // ---- users ----

    static ScimUser user(ScimUser u, JsonObject body) throws ScimException {
        return apply(u, body, Patch::userAttribute, "{\"active\": false}");
    }

    private static ScimUser userAttribute(ScimUser u, Operation o) throws ScimException {
        String path = unqualified(o.path(), CORE_USER);
        if (path.startsWith(ENTERPRISE) || USER_KEPT_ELSEWHERE.contains(path) || USER_KEPT_ELSEWHERE.contains(root(path))) {
            return u;
        }
        boolean remove = o.op() == Op.REMOVE;
        Matcher email = EMAIL_OF_TYPE.matcher(path);
        switch (path) {
            case "active" -> {
                return with(u, remove ? u.active() : ResourceJson.bool(o.holder(), o.key()), u.userName(),
                        u.displayName(), u.givenName(), u.familyName(), u.externalId(), u.emails());
            }
            case "username" -> {
                String name = remove ? "" : text(o);
                if (name.isBlank()) {
                    throw new ScimException(ScimError.INVALID_VALUE, "userName cannot be removed or empty");
                }
                return with(u, u.active(), name.trim(), u.displayName(), u.givenName(), u.familyName(), u.externalId(), u.emails());
            }
            case "displayname" -> {
                return with(u, u.active(), u.userName(), remove ? "" : text(o), u.givenName(), u.familyName(), u.externalId(), u.emails());
            }
            case "externalid" -> {
                return with(u, u.active(), u.userName(), u.displayName(), u.givenName(), u.familyName(), remove ? "" : text(o), u.emails());
            }
            case "name.givenname" -> {
                return with(u, u.active(), u.userName(), u.displayName(), remove ? "" : text(o), u.familyName(), u.externalId(), u.emails());
            }
            case "name.familyname" -> {
                return with(u, u.active(), u.userName(), u.displayName(), u.givenName(), remove ? "" : text(o), u.externalId(), u.emails());
            }
            case "name" -> {
                JsonObject n = remove ? null : o.holder().object(o.key()).orElseThrow(() -> new ScimException(
                        ScimError.INVALID_VALUE, "name must be an object, such as {\"givenName\": \"Alice\"}"));
                return with(u, u.active(), u.userName(), u.displayName(), n == null ? "" : n.text("givenName").orElse(u.givenName()),
                        n == null ? "" : n.text("familyName").orElse(u.familyName()), u.externalId(), u.emails());
            }
            case "emails" -> {
                List<ScimUser.Email> emails = remove ? List.of() : ResourceJson.emails(o.holder().objects(o.key()));
                if (o.op() == Op.ADD) {
                    List<ScimUser.Email> all = new ArrayList<>(u.emails());
                    all.addAll(emails);
                    emails = all;
                }
                return with(u, u.active(), u.userName(), u.displayName(), u.givenName(), u.familyName(), u.externalId(), emails);
            }
            default -> {
                if (email.matches()) {
                    String type = email.group(1);
                    List<ScimUser.Email> emails = new ArrayList<>(u.emails().stream().filter(e -> !e.type().equalsIgnoreCase(type)).toList());
                    if (!remove) {
                        boolean primary = u.emails().stream().anyMatch(e -> e.type().equalsIgnoreCase(type) && e.primary())
                                || emails.isEmpty();
                        emails.add(0, new ScimUser.Email(text(o), type, primary));
                    }
                    return with(u, u.active(), u.userName(), u.displayName(), u.givenName(), u.familyName(), u.externalId(), emails);
                }
                if (path.equals("id") || path.equals("meta") || path.startsWith("meta.") || path.equals("groups")) {
                    throw new ScimException(ScimError.MUTABILITY, o.path() + " is set by this service (read-only)");
                }
                throw new ScimException(ScimError.INVALID_PATH, "'" + o.path() + "' is not an attribute of a User; this "
                        + "service changes active, userName, displayName, externalId, name, emails");
            }
        }
    }

    /** The path in lower case, without its schema's URN ({@code urn:...:core:2.0:User:active} is {@code active}). */
    private static String unqualified(String path, String schemaPrefix) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.startsWith(schemaPrefix) ? lower.substring(schemaPrefix.length()) : lower;
    }

    private static String root(String path) {
        int cut = path.indexOf('[');
        int dot = path.indexOf('.');
        int end = cut < 0 ? dot : dot < 0 ? cut : Math.min(cut, dot);
        return end < 0 ? path : path.substring(0, end);
    }

    private static String text(Operation o) throws ScimException {
        return o.holder().text(o.key()).orElseThrow(() -> new ScimException(ScimError.INVALID_VALUE,
                o.path() + " must be a string"));
    }

    private static ScimUser with(ScimUser u, boolean active, String userName, String displayName, String given,
                                 String family, String externalId, List<ScimUser.Email> emails) {
        return new ScimUser(u.id(), u.idp(), userName, externalId, active, displayName, given, family, emails,
                u.created(), u.modified(), u.version());
    }

    // ---- groups ----

    static ScimGroup group(ScimGroup g, JsonObject body) throws ScimException {
        return apply(g, body, Patch::groupAttribute, "{\"displayName\": \"nats-devs\"}");
    }

    private static ScimGroup groupAttribute(ScimGroup g, Operation o) throws ScimException {
        String path = unqualified(o.path(), CORE_GROUP);
        Matcher one = MEMBER.matcher(o.path().trim().replaceFirst("(?i)^members", "members"));
        switch (path) {
            case "displayname" -> {
                String name = o.op() == Op.REMOVE ? "" : text(o);
                if (name.isBlank()) {
                    throw new ScimException(ScimError.INVALID_VALUE, "displayName cannot be removed or empty");
                }
                return g.with(name.trim(), g.externalId(), g.members());
            }
            case "externalid" -> {
                return g.with(g.displayName(), o.op() == Op.REMOVE ? "" : text(o), g.members());
            }
            case "members" -> {
                List<String> given = ResourceJson.memberIds(o.holder().objects(o.key()));
                Set<String> members = new LinkedHashSet<>(g.members());
                switch (o.op()) {
                    case ADD -> members.addAll(given);
                    case REPLACE -> {
                        members.clear();
                        members.addAll(given);
                    }
                    case REMOVE -> {
                        if (given.isEmpty()) {
                            members.clear();
                        } else {
                            given.forEach(members::remove);
                        }
                    }
                }
                return g.with(g.displayName(), g.externalId(), List.copyOf(members));
            }
            case "id", "schemas" -> {
                if (o.holder().text(o.key()).map(v -> v.equals(g.id())).orElse(!path.equals("id"))) {
                    return g; // Okta sends the group's own id beside the new name
                }
                throw new ScimException(ScimError.MUTABILITY, "id is set by this service (read-only)");
            }
            default -> {
                if (one.matches() && o.op() == Op.REMOVE) {
                    List<String> members = new ArrayList<>(g.members());
                    members.remove(one.group(1));
                    return g.with(g.displayName(), g.externalId(), members);
                }
                throw new ScimException(ScimError.INVALID_PATH, "'" + o.path() + "' is not an attribute of a Group "
                        + "this service changes: displayName, externalId, members, members[value eq \"<id>\"] (remove)");
            }
        }
    }
}
