package saml2nats.scim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.config.Config;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonObject;
import saml2nats.policy.Decision;
import saml2nats.policy.Policy;
import saml2nats.session.Ending;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;
import saml2nats.store.StateBackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * HR deprovisioning: the SCIM 2.0 service provider (RFC 7643/7644) the IdPs' provisioning
 * calls, and what its changes do to access. A user deactivated or deleted: every session
 * of that person ends (which kicks their connections on every server) and sign-ins are
 * refused while deactivated. A group membership change: the person's live sessions take
 * the groups the directory now gives them, and connections whose grant changed are kicked
 * so they reconnect with the new grant, or are refused. Each IdP's client is told apart by
 * its bearer token; it sees and changes only its own users and groups.
 */
public final class Provisioning {
    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);
    static final int MAX_PAGE = 200;

    /** What the audit's {@code reason} says a SCIM request changed. */
    enum Change { USER_CREATED, USER_CHANGED, USER_DEACTIVATED, USER_REACTIVATED, USER_DELETED, GROUP_CREATED,
        GROUP_CHANGED, GROUP_DELETED }

    /** An answer to send: status, SCIM JSON (empty for 204) and the Location of a created resource. */
    public record Answer(int status, String json, Optional<String> location) {
        static Answer ok(JsonBuilder body) {
            return new Answer(200, body.toJson(), Optional.empty());
        }
    }

    private record Client(String idp, byte[] tokenSha256, Config.Scim.Match match) { }

    private final List<Client> clients;
    private final Directory directory;
    private final SessionStore sessions;
    private final Supplier<Policy> policy;
    private final BiConsumer<Session, Ending> reauthorize;
    private final AuditLog audit;
    private final Clock clock;
    private final String base;
    private final ScimActivity activity;

    /**
     * @param reauthorize kicks a live session's connections so they reconnect under its new grant
     * @param publicUrl   the service's public URL; resources' locations are under {@code /scim/v2}
     */
    public static Provisioning open(List<Config.Scim> config, StateBackend backend, SessionStore sessions,
                                    Supplier<Policy> policy, BiConsumer<Session, Ending> reauthorize, AuditLog audit,
                                    Clock clock, String publicUrl) throws IOException {
        // no bucket for a service without provisioning: an empty directory in memory answers "not deactivated"
        StateBackend where = config.isEmpty() ? StateBackend.embedded(1, clock) : backend;
        return new Provisioning(config, new Directory(where.slots(Directory.BUCKET), clock), sessions, policy,
                reauthorize, audit, clock, publicUrl);
    }

    Provisioning(List<Config.Scim> config, Directory directory, SessionStore sessions, Supplier<Policy> policy,
                 BiConsumer<Session, Ending> reauthorize, AuditLog audit, Clock clock, String publicUrl) {
        this.clients = config.stream().map(c -> new Client(c.idp(), c.tokenSha256(), c.match())).toList();
        this.directory = directory;
        this.sessions = sessions;
        this.policy = policy;
        this.reauthorize = reauthorize;
        this.audit = audit;
        this.clock = clock;
        this.base = publicUrl.replaceAll("/+$", "") + "/scim/v2";
        this.activity = new ScimActivity(clock, clients.stream().map(Client::idp).toList());
    }

    public boolean enabled() {
        return !clients.isEmpty();
    }

    /** What each SCIM client did lately (the HTTP face tells it of every answer), for the admin page. */
    public ScimActivity activity() {
        return activity;
    }

    /**
     * The IdP whose SCIM client holds this bearer token. Every configured token's hash is
     * compared, each in constant time, so the answer's timing says nothing about which one
     * (or how much of one) matched.
     */
    public Optional<String> idpOf(String bearerToken) {
        byte[] presented = sha256(bearerToken);
        Optional<String> found = Optional.empty();
        for (Client c : clients) {
            if (MessageDigest.isEqual(presented, c.tokenSha256()) && found.isEmpty()) {
                found = Optional.of(c.idp());
            }
        }
        return found;
    }

    /** A request without the right token: audited (never the token), answered 401. */
    public Answer unauthorized(String from, boolean sentOne) {
        String detail = sentOne ? "the bearer token is not one this service was given (scim[].token_file)"
                : "no bearer token: send Authorization: Bearer <the token in scim[].token_file>";
        audit.record(AuditEvent.provisioningRefused(clock.instant(), ScimError.UNAUTHORIZED, detail + " from " + from,
                AuditEvent.Person.unknown("")));
        return error(ScimError.UNAUTHORIZED, detail);
    }

    public Answer error(ScimError e, String detail) {
        return new Answer(e.status(), ResourceJson.error(e, detail).toJson(), Optional.empty());
    }

    /** A refused request, audited with what was wrong; nothing changed. */
    public Answer refused(String idp, ScimException e) {
        if (e.error() != ScimError.NOT_FOUND) {
            audit.record(AuditEvent.provisioningRefused(clock.instant(), e.error(), e.getMessage(), AuditEvent.Person.unknown(idp)));
        }
        return error(e.error(), e.getMessage());
    }

    // ---- sign-in ----

    /**
     * Whether the IdP's provisioning has this person deactivated: their sign-in is refused.
     * A person the directory does not know (no SCIM for the IdP, or never provisioned) is not.
     */
    public boolean deactivated(Identity who) {
        return client(who.idp()).flatMap(c -> directory.byPerson(c.idp(), matched(c, who)))
                .map(u -> !u.active()).orElse(false);
    }

    // ---- users ----

    public Answer createUser(String idp, String body) throws ScimException {
        Client c = client(idp).orElseThrow();
        Instant now = clock.instant();
        ScimUser u = ResourceJson.user(ResourceJson.body(body), UUID.randomUUID().toString(), idp, now);
        directory.create(u, matched(c, u));
        audit.record(AuditEvent.provisioned(now, Change.USER_CREATED, (u.active() ? "active" : "inactive")
                + ", userName " + u.userName(), person(u)));
        if (!u.active()) {
            endSessions(c, u, "created inactive");
        }
        return new Answer(201, ResourceJson.scim(u, base, List.of()).toJson(), Optional.of(base + "/Users/" + u.id()));
    }

    public Answer user(String idp, String id) throws ScimException {
        ScimUser u = readUser(idp, id).value();
        return Answer.ok(ResourceJson.scim(u, base, directory.groupsOf(idp, u.id())));
    }

    public Answer users(String idp, String filter, String startIndex, String count) throws ScimException {
        Optional<ScimFilter> f = ScimFilter.parse(filter, ScimFilter.USER_ATTRIBUTES);
        List<ScimUser> all;
        if (f.isPresent() && f.get().attribute().equals("username")) {
            all = directory.byUserName(idp, f.get().value()).stream().toList(); // the probe before every create: one lookup
        } else {
            all = directory.users(idp).stream().filter(u -> f.map(x -> x.matches(u)).orElse(true))
                    .sorted(Comparator.comparing(ScimUser::created).thenComparing(ScimUser::id)).toList();
        }
        return page(all, startIndex, count, u -> ResourceJson.scim(u, base, directory.groupsOf(idp, u.id())));
    }

    public Answer replaceUser(String idp, String id, String body) throws ScimException {
        Client c = client(idp).orElseThrow();
        JsonObject in = ResourceJson.body(body);
        refuseOtherId(in, id);
        Directory.Read<ScimUser> read = readUser(idp, id);
        ScimUser changed = read.value().withAttributesOf(ResourceJson.user(in, id, idp, clock.instant()));
        return saveUser(c, read, changed);
    }

    public Answer patchUser(String idp, String id, String body) throws ScimException {
        Client c = client(idp).orElseThrow();
        JsonObject in = ResourceJson.body(body);
        Directory.Read<ScimUser> read = readUser(idp, id);
        return saveUser(c, read, Patch.user(read.value(), in));
    }

    public Answer deleteUser(String idp, String id) throws ScimException {
        Client c = client(idp).orElseThrow();
        Directory.Read<ScimUser> read = readUser(idp, id);
        ScimUser u = read.value();
        directory.delete(read, matched(c, u));
        for (ScimGroup g : directory.groupsOf(idp, u.id())) {
            directory.group(idp, g.id()).ifPresent(r -> {
                List<String> members = new ArrayList<>(r.value().members());
                members.remove(u.id());
                try {
                    directory.replace(r, r.value().with(r.value().displayName(), r.value().externalId(), members)
                            .touched(clock.instant()));
                } catch (ScimException raced) {
                    log.info("group {} changed while user {} was removed from it; its next change drops the member",
                            g.id(), u.id());
                }
            });
        }
        int ended = endSessions(c, u, "deleted");
        audit.record(AuditEvent.provisioned(clock.instant(), Change.USER_DELETED, ended + " session(s) ended", person(u)));
        return new Answer(204, "", Optional.empty());
    }

    private Answer saveUser(Client c, Directory.Read<ScimUser> read, ScimUser changed) throws ScimException {
        ScimUser before = read.value();
        if (changed.userName().isBlank()) {
            throw new ScimException(ScimError.INVALID_VALUE, "userName cannot be empty");
        }
        ScimUser now = changed.touched(clock.instant());
        directory.replace(read, now, matched(c, before), matched(c, now));
        if (before.active() && !now.active()) {
            int ended = endSessions(c, now, "deactivated");
            audit.record(AuditEvent.provisioned(clock.instant(), Change.USER_DEACTIVATED, ended + " session(s) ended", person(now)));
        } else if (!before.active() && now.active()) {
            audit.record(AuditEvent.provisioned(clock.instant(), Change.USER_REACTIVATED, "may sign in again", person(now)));
        } else {
            audit.record(AuditEvent.provisioned(clock.instant(), Change.USER_CHANGED, "userName " + now.userName(), person(now)));
        }
        return Answer.ok(ResourceJson.scim(now, base, directory.groupsOf(c.idp(), now.id())));
    }

    private int endSessions(Client c, ScimUser u, String what) {
        return sessions.endAll(whose(c, u), new Ending(Ending.Cause.SCIM, "scim " + c.idp() + " (" + what + ")"));
    }

    // ---- groups ----

    public Answer createGroup(String idp, String body) throws ScimException {
        Instant now = clock.instant();
        ScimGroup g = ResourceJson.group(ResourceJson.body(body), UUID.randomUUID().toString(), idp, now);
        requireMembers(idp, g.members());
        directory.create(g);
        audit.record(AuditEvent.provisioned(now, Change.GROUP_CREATED, g.displayName() + ", " + g.members().size()
                + " member(s)", AuditEvent.Person.unknown(idp)));
        regroup(idp, Set.copyOf(g.members()));
        return new Answer(201, ResourceJson.scim(g, base, userId -> displayOf(idp, userId), true).toJson(), Optional.of(base + "/Groups/" + g.id()));
    }

    public Answer group(String idp, String id, String excludedAttributes) throws ScimException {
        ScimGroup g = readGroup(idp, id).value();
        return Answer.ok(ResourceJson.scim(g, base, userId -> displayOf(idp, userId), withMembers(excludedAttributes)));
    }

    public Answer groups(String idp, String filter, String startIndex, String count, String excludedAttributes)
            throws ScimException {
        Optional<ScimFilter> f = ScimFilter.parse(filter, ScimFilter.GROUP_ATTRIBUTES);
        List<ScimGroup> all = directory.groups(idp).stream().filter(g -> f.map(x -> x.matches(g)).orElse(true))
                .sorted(Comparator.comparing(ScimGroup::created).thenComparing(ScimGroup::id)).toList();
        boolean members = withMembers(excludedAttributes);
        return page(all, startIndex, count, g -> ResourceJson.scim(g, base, userId -> displayOf(idp, userId), members));
    }

    public Answer replaceGroup(String idp, String id, String body) throws ScimException {
        JsonObject in = ResourceJson.body(body);
        refuseOtherId(in, id);
        Directory.Read<ScimGroup> read = readGroup(idp, id);
        ScimGroup given = ResourceJson.group(in, id, idp, clock.instant());
        return saveGroup(idp, read, read.value().with(given.displayName(), given.externalId(), given.members()));
    }

    public Answer patchGroup(String idp, String id, String body) throws ScimException {
        JsonObject in = ResourceJson.body(body);
        Directory.Read<ScimGroup> read = readGroup(idp, id);
        return saveGroup(idp, read, Patch.group(read.value(), in));
    }

    public Answer deleteGroup(String idp, String id) throws ScimException {
        Directory.Read<ScimGroup> read = readGroup(idp, id);
        directory.delete(read);
        int kicked = regroup(idp, Set.copyOf(read.value().members()));
        audit.record(AuditEvent.provisioned(clock.instant(), Change.GROUP_DELETED, read.value().displayName() + ": "
                + kicked + " session(s) reauthorized", AuditEvent.Person.unknown(idp)));
        return new Answer(204, "", Optional.empty());
    }

    private Answer saveGroup(String idp, Directory.Read<ScimGroup> read, ScimGroup changed) throws ScimException {
        ScimGroup before = read.value();
        requireMembers(idp, changed.members());
        ScimGroup now = changed.touched(clock.instant());
        directory.replace(read, now);
        Set<String> affected = new LinkedHashSet<>();
        if (!before.displayName().equals(now.displayName())) {
            affected.addAll(before.members()); // a renamed group grants by its new name
            affected.addAll(now.members());
        } else {
            before.members().stream().filter(m -> !now.members().contains(m)).forEach(affected::add);
            now.members().stream().filter(m -> !before.members().contains(m)).forEach(affected::add);
        }
        int kicked = regroup(idp, affected);
        audit.record(AuditEvent.provisioned(clock.instant(), Change.GROUP_CHANGED, now.displayName() + ": "
                + affected.size() + " member(s) changed, " + kicked + " session(s) reauthorized", AuditEvent.Person.unknown(idp)));
        return Answer.ok(ResourceJson.scim(now, base, userId -> displayOf(idp, userId), true));
    }

    /**
     * Gives each affected user's live sessions the groups the directory now gives them, and
     * kicks the connections of each session whose grant changed; returns how many sessions.
     */
    private int regroup(String idp, Set<String> userIds) {
        Client c = client(idp).orElseThrow();
        List<ScimGroup> groups = directory.groups(idp);
        int reauthorized = 0;
        for (String id : userIds) {
            Optional<ScimUser> u = directory.user(idp, id).map(Directory.Read::value);
            if (u.isEmpty()) {
                continue;
            }
            List<String> names = groups.stream().filter(g -> g.members().contains(id)).map(ScimGroup::displayName)
                    .sorted().toList();
            Policy now = policy.get();
            for (SessionStore.Regrouped r : sessions.regroup(whose(c, u.get()), names)) {
                Decision before = now.decide(r.before().identity());
                Decision after = now.decide(r.after().identity());
                if (!before.equals(after)) {
                    reauthorize.accept(r.after(), new Ending(Ending.Cause.SCIM, "scim " + idp + " (groups now "
                            + names + ")"));
                    reauthorized++;
                }
            }
        }
        return reauthorized;
    }

    private void requireMembers(String idp, List<String> members) throws ScimException {
        for (String m : members) {
            if (directory.user(idp, m).isEmpty()) {
                throw new ScimException(ScimError.INVALID_VALUE, "member '" + m + "' is not a user provisioned here: "
                        + "create the user first, then add it by its id");
            }
        }
    }

    private String displayOf(String idp, String userId) {
        return directory.user(idp, userId).map(r -> r.value().userName()).orElse("");
    }

    private static boolean withMembers(String excludedAttributes) {
        return excludedAttributes == null || java.util.Arrays.stream(excludedAttributes.split(","))
                .noneMatch(a -> a.trim().equalsIgnoreCase("members"));
    }

    // ---- discovery ----

    public Answer serviceProviderConfig() {
        JsonBuilder no = JsonBuilder.object().bool("supported", false);
        return Answer.ok(JsonBuilder.object()
                .texts("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"))
                .text("documentationUri", "https://github.com/saml2nats/saml2nats#deprovisioning-scim")
                .object("patch", JsonBuilder.object().bool("supported", true))
                .object("bulk", JsonBuilder.object().bool("supported", false).number("maxOperations", 0).number("maxPayloadSize", 0))
                .object("filter", JsonBuilder.object().bool("supported", true).number("maxResults", MAX_PAGE))
                .object("changePassword", no).object("sort", no).object("etag", no)
                .objects("authenticationSchemes", List.of(JsonBuilder.object().text("type", "oauthbearertoken")
                        .text("name", "OAuth Bearer Token").text("description", "the token in scim[].token_file")))
                .object("meta", JsonBuilder.object().text("resourceType", "ServiceProviderConfig")
                        .text("location", base + "/ServiceProviderConfig")));
    }

    public Answer resourceTypes() {
        List<JsonBuilder> types = List.of(resourceType("User", "/Users", ResourceJson.USER_SCHEMA),
                resourceType("Group", "/Groups", ResourceJson.GROUP_SCHEMA));
        return Answer.ok(ResourceJson.list(types, types.size(), 1));
    }

    private JsonBuilder resourceType(String name, String endpoint, String schema) {
        return JsonBuilder.object().texts("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ResourceType"))
                .text("id", name).text("name", name).text("endpoint", endpoint).text("schema", schema)
                .object("meta", JsonBuilder.object().text("resourceType", "ResourceType").text("location", base + "/ResourceTypes/" + name));
    }

    public Answer schemas() {
        List<JsonBuilder> schemas = List.of(
                schema(ResourceJson.USER_SCHEMA, "User", Map.of("userName", "string", "active", "boolean",
                        "displayName", "string", "externalId", "string", "name", "complex", "emails", "complex")),
                schema(ResourceJson.GROUP_SCHEMA, "Group", Map.of("displayName", "string", "externalId", "string",
                        "members", "complex")));
        return Answer.ok(ResourceJson.list(schemas, schemas.size(), 1));
    }

    private JsonBuilder schema(String id, String name, Map<String, String> attributes) {
        List<JsonBuilder> attrs = attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> JsonBuilder.object().text("name", e.getKey()).text("type", e.getValue())
                        .bool("multiValued", e.getKey().equals("emails") || e.getKey().equals("members"))
                        .bool("required", e.getKey().equals("userName") || (name.equals("Group") && e.getKey().equals("displayName")))
                        .bool("caseExact", false).text("mutability", "readWrite").text("returned", "default")
                        .text("uniqueness", e.getKey().equals("userName") ? "server" : "none"))
                .collect(Collectors.toList());
        return JsonBuilder.object().texts("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Schema"))
                .text("id", id).text("name", name).objects("attributes", attrs)
                .object("meta", JsonBuilder.object().text("resourceType", "Schema").text("location", base + "/Schemas/" + id));
    }

    // ---- shared ----

    private <T> Answer page(List<T> all, String startIndex, String count, java.util.function.Function<T, JsonBuilder> render)
            throws ScimException {
        int start = Math.max(1, number(startIndex, 1, "startIndex"));
        int size = Math.min(MAX_PAGE, Math.max(0, number(count, MAX_PAGE, "count")));
        List<JsonBuilder> page = all.stream().skip(start - 1L).limit(size).map(render).toList();
        return Answer.ok(ResourceJson.list(page, all.size(), start));
    }

    private static int number(String text, int otherwise, String name) throws ScimException {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new ScimException(ScimError.INVALID_VALUE, name + " must be a whole number, was '" + text + "'");
        }
    }

    private static void refuseOtherId(JsonObject in, String id) throws ScimException {
        Optional<String> given = in.text("id");
        if (given.isPresent() && !given.get().equals(id)) {
            throw new ScimException(ScimError.MUTABILITY, "id is set by this service: the body's id '" + given.get()
                    + "' is not the URL's '" + id + "'");
        }
    }

    private Directory.Read<ScimUser> readUser(String idp, String id) throws ScimException {
        return directory.user(idp, id).orElseThrow(() -> new ScimException(ScimError.NOT_FOUND, "no user " + id));
    }

    private Directory.Read<ScimGroup> readGroup(String idp, String id) throws ScimException {
        return directory.group(idp, id).orElseThrow(() -> new ScimException(ScimError.NOT_FOUND, "no group " + id));
    }

    private Optional<Client> client(String idp) {
        return clients.stream().filter(c -> c.idp().equals(idp)).findFirst();
    }

    /** The value of a provisioned user that names a signed-in person, by the IdP's {@code match}. */
    private static String matched(Client c, ScimUser u) {
        if (c.match() == Config.Scim.Match.EMAIL) {
            String email = u.primaryEmail();
            return email.isEmpty() ? u.userName() : email;
        }
        return u.userName();
    }

    private static String matched(Client c, Identity who) {
        return switch (c.match()) {
            case EMAIL -> who.email();
            case NAMEID -> who.subject();
            case USERNAME -> who.username();
        };
    }

    private static Predicate<Identity> whose(Client c, ScimUser u) {
        String value = Directory.lower(matched(c, u));
        return who -> who.idp().equals(c.idp()) && Directory.lower(matched(c, who)).equals(value);
    }

    private static AuditEvent.Person person(ScimUser u) {
        return new AuditEvent.Person(u.userName(), u.primaryEmail(), u.idp());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
