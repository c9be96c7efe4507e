package saml2nats.scim;

import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The provisioned users and groups, in the state backend (so every replica reads the same
 * directory, and it survives restarts). Keys: {@code u.<id>} and {@code g.<id>} hold the
 * resources; {@code n.<idp>.<hash of userName>} makes userName unique per IdP and finds
 * it for {@code filter=userName eq "..."}; {@code p.<idp>.<hash of the matched value>} finds
 * the user a signed-in person is. Hashes keep keys within KV's alphabet, whatever a name holds.
 * Every write is compare-and-set, so two replicas changing one resource cannot both win.
 */
final class Directory {
    /** Provisioned people stay until the IdP deletes them: no age limit. */
    static final Bucket BUCKET = new Bucket("scim", Duration.ZERO);
    /** What "kept until deleted" means to a slot store that wants an instant (well inside Duration's nanos). */
    private static final Duration KEPT = Duration.ofDays(365L * 100);

    /** A resource as read, with the revision a write must match. */
    record Read<T>(T value, Slots.Slot slot) { }

    private final Slots slots;
    private final Clock clock;

    Directory(Slots slots, Clock clock) {
        this.slots = slots;
        this.clock = clock;
    }

    Optional<Read<ScimUser>> user(String idp, String id) {
        return slots.get("u." + safe(id)).map(s -> new Read<>(ResourceJson.storedUser(s.value()), s))
                .filter(r -> r.value().idp().equals(idp));
    }

    Optional<Read<ScimGroup>> group(String idp, String id) {
        return slots.get("g." + safe(id)).map(s -> new Read<>(ResourceJson.storedGroup(s.value()), s))
                .filter(r -> r.value().idp().equals(idp));
    }

    Optional<ScimUser> byUserName(String idp, String userName) {
        return slots.get(nameKey(idp, userName)).flatMap(s -> user(idp, new String(s.value(), StandardCharsets.UTF_8)))
                .map(Read::value);
    }

    /** The provisioned user a signed-in person is, by the value {@code match} reads from them. */
    Optional<ScimUser> byPerson(String idp, String matched) {
        if (matched.isEmpty()) {
            return Optional.empty();
        }
        return slots.get(personKey(idp, matched)).flatMap(s -> user(idp, new String(s.value(), StandardCharsets.UTF_8)))
                .map(Read::value);
    }

    List<ScimUser> users(String idp) {
        List<ScimUser> out = new ArrayList<>();
        for (String k : slots.keys("u.")) {
            slots.get(k).map(s -> ResourceJson.storedUser(s.value())).filter(u -> u.idp().equals(idp)).ifPresent(out::add);
        }
        return out;
    }

    List<ScimGroup> groups(String idp) {
        List<ScimGroup> out = new ArrayList<>();
        for (String k : slots.keys("g.")) {
            slots.get(k).map(s -> ResourceJson.storedGroup(s.value())).filter(g -> g.idp().equals(idp)).ifPresent(out::add);
        }
        return out;
    }

    /** The groups a user is a member of. */
    List<ScimGroup> groupsOf(String idp, String userId) {
        return groups(idp).stream().filter(g -> g.members().contains(userId)).toList();
    }

    /** Creates the user, its userName taken first so two creates of one name cannot both win. */
    void create(ScimUser u, String matched) throws ScimException {
        if (!slots.create(nameKey(u.idp(), u.userName()), u.id().getBytes(StandardCharsets.UTF_8), kept())) {
            throw new ScimException(ScimError.UNIQUENESS, "a user with userName '" + u.userName() + "' exists already");
        }
        point(personKey(u.idp(), matched), u.id());
        slots.create("u." + u.id(), ResourceJson.stored(u), kept());
    }

    /** Writes a changed user over what was read; moves its indexes when userName or the matched value changed. */
    void replace(Read<ScimUser> read, ScimUser changed, String matchedBefore, String matchedNow) throws ScimException {
        ScimUser before = read.value();
        boolean renamed = !lower(before.userName()).equals(lower(changed.userName()));
        if (renamed && !slots.create(nameKey(changed.idp(), changed.userName()), changed.id().getBytes(StandardCharsets.UTF_8), kept())) {
            throw new ScimException(ScimError.UNIQUENESS, "a user with userName '" + changed.userName() + "' exists already");
        }
        if (!slots.replace("u." + changed.id(), read.slot(), ResourceJson.stored(changed), kept())) {
            if (renamed) {
                drop(nameKey(changed.idp(), changed.userName()));
            }
            throw new ScimException(ScimError.CONFLICT, "the user changed while this request was applied; send it again");
        }
        if (renamed) {
            drop(nameKey(before.idp(), before.userName()));
        }
        if (!lower(matchedBefore).equals(lower(matchedNow))) {
            drop(personKey(before.idp(), matchedBefore));
            point(personKey(changed.idp(), matchedNow), changed.id());
        }
    }

    void delete(Read<ScimUser> read, String matched) throws ScimException {
        if (!slots.remove("u." + read.value().id(), read.slot())) {
            throw new ScimException(ScimError.CONFLICT, "the user changed while it was deleted; send the DELETE again");
        }
        drop(nameKey(read.value().idp(), read.value().userName()));
        drop(personKey(read.value().idp(), matched));
    }

    void create(ScimGroup g) {
        slots.create("g." + g.id(), ResourceJson.stored(g), kept());
    }

    void replace(Read<ScimGroup> read, ScimGroup changed) throws ScimException {
        if (!slots.replace("g." + changed.id(), read.slot(), ResourceJson.stored(changed), kept())) {
            throw new ScimException(ScimError.CONFLICT, "the group changed while this request was applied; send it again");
        }
    }

    void delete(Read<ScimGroup> read) throws ScimException {
        if (!slots.remove("g." + read.value().id(), read.slot())) {
            throw new ScimException(ScimError.CONFLICT, "the group changed while it was deleted; send the DELETE again");
        }
    }

    private void point(String key, String id) {
        byte[] value = id.getBytes(StandardCharsets.UTF_8);
        if (!slots.create(key, value, kept())) {
            // the same person provisioned again under a new id (deleted and re-created at the IdP): the newest wins
            slots.get(key).ifPresent(s -> slots.replace(key, s, value, kept()));
        }
    }

    private void drop(String key) {
        slots.get(key).ifPresent(s -> slots.remove(key, s));
    }

    private Instant kept() {
        return clock.instant().plus(KEPT);
    }

    private static String nameKey(String idp, String userName) {
        return "n." + idp + "." + hash(lower(userName));
    }

    private static String personKey(String idp, String matched) {
        return "p." + idp + "." + hash(lower(matched));
    }

    /** An id from a URL becomes part of a key: only what our own ids hold. */
    private static String safe(String id) {
        return id.matches("[A-Za-z0-9-]{1,64}") ? id : "-";
    }

    static String lower(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
