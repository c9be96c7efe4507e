package saml2nats.session;

import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What became of the session a token opened, for a day after it could last: so a connect
 * refused for an unknown token can tell its person why ("ended by sign-out on another device
 * at 12:03", "expired at 18:00") instead of only "Authorization Violation". Two entries per
 * session in the state backend (shared by replicas with {@code store: nats-kv}): the token
 * hash's (the session as made) and the session id's end (cause, who, when), written by the
 * replica that ended it. No token is kept, only its hash, as in the session store.
 */
final class PastSessions {
    /** One more day than the longest session: a person seeing why yesterday's token stopped working. */
    static Bucket bucket(Duration maxSession) {
        return new Bucket("pastsessions", maxSession.plusDays(1));
    }

    private final Slots slots;

    PastSessions(Slots slots) {
        this.slots = slots;
    }

    /** In this process only (a store made without a backend, as tests make one). */
    static PastSessions inMemory(long maxSessions, java.time.Clock clock) {
        return new PastSessions(new saml2nats.store.StateBackend.Embedded(maxSessions * 2, clock).slots(bucket(Duration.ZERO)));
    }

    void opened(String tokenHash, Session s) {
        slots.create("t." + tokenHash, KvSessionStore.encode(s), s.expires().plus(Duration.ofDays(1)));
    }

    /** Only the replica that ended the session writes it: the others know only that it ended. */
    void ended(Session s, Ending why, Instant at) {
        if (why.here()) {
            slots.create("e." + s.id(), JsonBuilder.object().text("cause", why.cause().name()).textIfAny("by", why.by())
                    .number("at", at.toEpochMilli()).toJson().getBytes(StandardCharsets.UTF_8), s.expires().plus(Duration.ofDays(1)));
        }
    }

    /** What became of the session this token hash opened; empty for a token this service never made (or long gone). */
    Optional<PastSession> of(String tokenHash) {
        Optional<Slots.Slot> made = slots.get("t." + tokenHash);
        if (made.isEmpty()) {
            return Optional.empty();
        }
        Session session;
        try {
            session = KvSessionStore.decode(made.get().value());
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
        Optional<Slots.Slot> end = slots.get("e." + session.id());
        if (end.isEmpty()) {
            return Optional.of(new PastSession(session, Optional.empty(), Optional.empty()));
        }
        try {
            JsonObject e = JsonObject.parse(end.get().value());
            Ending.Cause cause = Ending.Cause.valueOf(e.text("cause").orElse("ELSEWHERE"));
            return Optional.of(new PastSession(session, Optional.of(new Ending(cause, e.text("by").orElse(""))),
                    e.number("at").isPresent() ? Optional.of(Instant.ofEpochMilli(e.number("at").getAsLong())) : Optional.empty()));
        } catch (JsonException | IllegalArgumentException unreadable) {
            return Optional.of(new PastSession(session, Optional.of(Ending.ELSEWHERE), Optional.empty()));
        }
    }
}
