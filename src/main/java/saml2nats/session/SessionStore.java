package saml2nats.session;

import java.time.Duration;
import java.util.Optional;

/**
 * Sessions by token hash. Implementations expire each session at its own
 * {@link Session#expires()}; callers still check {@link Session#isLiveAt} with their clock.
 */
public interface SessionStore {

    /** A new session and the access token that opens it; the token is returned once and not kept. */
    record Created(String token, Session session) {
        @Override
        public String toString() {
            return "Created[session=" + session + "]"; // never print the token
        }
    }

    Created create(Identity identity, Duration length);

    Optional<Session> findByTokenHash(String tokenHash);

    default Optional<Session> findByToken(String token) {
        return findByTokenHash(AccessToken.hash(token));
    }

    /** Ends the session; true when there was one. */
    boolean end(String tokenHash);

    /** Ends every session of one person at one IdP (single logout from the IdP); returns how many. */
    int endAll(String idp, String subject);

    long liveCount();

    /**
     * Called with each session ended by {@link #end} or {@link #endAll} (not for a natural
     * expiry: nothing issued outlives a session's own end).
     */
    void onEnd(java.util.function.Consumer<Session> listener);
}
