package saml2nats.connections;

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
public final class ConnectionName {
    public static final String SESSION_MARK = " s2n:";

    private ConnectionName() { }

    public static String of(Session session) {
        return person(session.identity()) + SESSION_MARK + session.id();
    }

    /** The session a connection's user name names, if it is one of ours. */
    public static java.util.Optional<String> sessionOf(String name) {
        int at = name == null ? -1 : name.lastIndexOf(SESSION_MARK);
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.of(name.substring(at + SESSION_MARK.length()));
    }

    /** The person part of one of our user names ({@code alice} of {@code alice s2n:s-1}); the name itself otherwise. */
    public static String personOf(String name) {
        int at = name == null ? -1 : name.lastIndexOf(SESSION_MARK);
        return at < 0 ? (name == null ? "" : name) : name.substring(0, at);
    }

    /** What people read in server logs and reports: the username the IdP sent, else the NameID. */
    public static String person(Identity who) {
        return who.username().isEmpty() ? who.subject() : who.username();
    }

    /**
     * Whose connection the server reports. A callout user's authorized user is its JWT's name; a JWT
     * user's (key-bound creds) is its public key, and its JWT's name is read from the JWT the server
     * reports beside it (events and CONNZ with auth carry it; the server verified it), or from
     * {@code name_tag} where a server puts the user's name there.
     */
    static String userOf(java.util.Optional<String> user, java.util.Optional<String> nameTag, java.util.Optional<String> jwt) {
        String u = user.orElse("");
        if (sessionOf(u).isPresent()) {
            return u;
        }
        if (nameTag.flatMap(ConnectionName::sessionOf).isPresent()) {
            return nameTag.get();
        }
        return jwt.flatMap(ConnectionName::nameInJwt).filter(n -> sessionOf(n).isPresent()).orElse(u);
    }

    private static java.util.Optional<String> nameInJwt(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return java.util.Optional.empty();
        }
        try {
            return saml2nats.json.JsonObject.parse(java.util.Base64.getUrlDecoder().decode(parts[1])).text("name");
        } catch (IllegalArgumentException | saml2nats.json.JsonException e) {
            return java.util.Optional.empty();
        }
    }
}
