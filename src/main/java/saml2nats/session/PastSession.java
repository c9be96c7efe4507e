package saml2nats.session;

import java.time.Instant;
import java.util.Optional;

/**
 * The session a token opened, and how it ended when it did; without an ending it ran out at
 * its expiry. What {@link SessionStore#past} answers for a token that no longer connects.
 */
public record PastSession(Session session, Optional<Ending> ending, Optional<Instant> endedAt) {
    private static final java.time.format.DateTimeFormatter MINUTE =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** Why this token no longer connects, as its person reads it. */
    public String words(Instant now) {
        if (ending.isPresent()) {
            return "your session was ended by " + ending.get().words()
                    + endedAt.map(t -> " at " + MINUTE.format(t)).orElse("") + ": sign in again";
        }
        return (now.isBefore(session.expires()) ? "this token's session ended" : "this token's session expired at "
                + MINUTE.format(session.expires())) + ": sign in again";
    }
}
