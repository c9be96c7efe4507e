package saml2nats.callout;

import saml2nats.session.Identity;
import saml2nats.session.Session;

/**
 * The user name a connection carries on the servers: the person's short name, then the
 * session it came from ({@code alice s2n:<session id>}). nats-server keeps the callout
 * user JWT's {@code name} as the client's authorized user (server/auth_callout.go sets
 * {@code c.opts.Username = arc.Name}), and CONNZ can filter on it exactly, so the service
 * finds a session's live connections from the servers themselves: after a restart, on
 * another replica, through another server of the cluster. The session id is a
 * non-secret handle (not the token, not its hash).
 */
final class ConnectionName {
    static final String SESSION_MARK = " s2n:";

    private ConnectionName() { }

    static String of(Session session) {
        return person(session.identity()) + SESSION_MARK + session.id();
    }

    /** The session a connection's user name names, if it is one of ours. */
    static java.util.Optional<String> sessionOf(String name) {
        int at = name == null ? -1 : name.lastIndexOf(SESSION_MARK);
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(name.substring(at + SESSION_MARK.length()));
    }

    /** What people read in server logs and reports: the username the IdP sent, else the NameID. */
    static String person(Identity who) {
        return who.username().isEmpty() ? who.subject() : who.username();
    }
}
