package saml2nats.session;

import saml2nats.store.Bucket;
import saml2nats.store.StateBackend;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sessions by token hash. Implementations expire each session at its own
 * {@link Session#expires()}; callers still check {@link Session#isLiveAt} with their clock.
 */
public interface SessionStore {

    /** The sessions' bucket outlives the longest session by a minute, so no live session loses its entry. */
    static Bucket bucket(Duration maxSession) {
        return new Bucket("sessions", maxSession.plusMinutes(1));
    }

    /**
     * The store over the chosen backend: in JetStream KV, watched, so a sign-out anywhere is
     * seen everywhere and every live session is loaded before this returns; else in memory.
     */
    static SessionStore open(StateBackend backend, Duration maxSession, Clock clock, AccessToken tokens)
            throws IOException, InterruptedException {
        PastSessions past = new PastSessions(backend.slots(PastSessions.bucket(maxSession)));
        if (backend instanceof StateBackend.JetStreamKv kv) {
            return KvSessionStore.open(kv.open(bucket(maxSession)), kv.maxEntries(), clock, tokens, past);
        }
        return new CaffeineSessionStore(backend.maxEntries(), clock, tokens, past);
    }

    /** A new session and the access token that opens it; the token is returned once and not kept. */
    record Created(String token, Session session) {
        @Override
        public String toString() {
            return "Created[session=" + session + "]"; // never print the token
        }
    }

    Created create(Identity identity, Duration length, Session.Origin origin);

    default Created create(Identity identity, Duration length) {
        return create(identity, length, Session.Origin.UNKNOWN);
    }

    Optional<Session> findByTokenHash(String tokenHash);

    default Optional<Session> findByToken(String token) {
        return findByTokenHash(AccessToken.hash(token));
    }

    /** What became of the session this token hash opened (ended how, or expired), for a day past its end. */
    Optional<PastSession> past(String tokenHash);

    /** Ends the session; true when there was one. */
    boolean end(String tokenHash, Ending why);

    /** Ends every session that matches; returns how many. */
    int endWhere(Predicate<Session> which, Ending why);

    /** Ends every session whose person matches (single logout, an admin, deprovisioning); returns how many. */
    default int endAll(Predicate<Identity> whose, Ending why) {
        return endWhere(s -> whose.test(s.identity()), why);
    }

    /** Ends every session of one person at one IdP; returns how many. */
    default int endAll(String idp, String subject, Ending why) {
        return endAll(person(idp, subject), why);
    }

    /** The person with this NameID at this IdP. */
    static Predicate<Identity> person(String idp, String subject) {
        return who -> who.idp().equals(idp) && who.subject().equals(subject);
    }

    /**
     * Gives every live session of the matching person these groups (the IdP's provisioning
     * changed them); returns each session as it was and as it is now, so the caller can
     * re-evaluate grants. Tokens and ends stay as they were.
     */
    List<Regrouped> regroup(Predicate<Identity> whose, List<String> groups);

    /** One session before and after {@link #regroup}. */
    record Regrouped(Session before, Session after) { }

    /** What {@link #bind} came to. */
    enum Binding {
        /** The session is bound to the key now (or already was, to the same key). */
        BOUND,
        /** The session is bound to another key: its creds are that key's only. */
        OTHER_KEY,
        /** No live session has this token. */
        NO_SESSION
    }

    /**
     * Binds the live session of this token hash to a user key, once: from then on its creds are issued
     * for that key only and its token does not connect by itself. Compare-and-set in the shared store.
     */
    Binding bind(String tokenHash, String userKey);

    long liveCount();

    /** Every live session this replica holds (all of them: each replica holds every session). */
    List<Session> live();

    /** The person's own live sessions (same IdP and NameID), oldest first: what their page and CLI list. */
    default List<Session> of(Identity who) {
        return live().stream().filter(s -> s.identity().samePersonAs(who))
                .sorted(java.util.Comparator.comparing(Session::created)).toList();
    }

    /**
     * Ends one of the person's own sessions by its id, or all of them ({@link #ALL}): never
     * another person's, whatever id is asked for. Returns how many ended.
     */
    default int endOwn(Identity who, String sessionId, Ending why) {
        return endWhere(s -> s.identity().samePersonAs(who) && (sessionId.equals(ALL) || s.id().equals(sessionId)), why);
    }

    /** The session "id" that asks {@link #endOwn} for every one of the person's sessions. */
    String ALL = "all";

    /** A session that ended, and why; {@link Ending#ELSEWHERE} when another replica ended it. */
    record Ended(Session session, Ending why) { }

    /**
     * Called with each session ended by {@link #end} or {@link #endAll}, here or on another
     * replica (not for a natural expiry: nothing issued outlives a session's own end).
     */
    void onEnd(Consumer<Ended> listener);
}
