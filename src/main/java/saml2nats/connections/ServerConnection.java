package saml2nats.connections;

import java.time.Instant;
import java.util.Optional;

/**
 * One client connection as a NATS server reports it (CONNZ, or its connect event). The server
 * id changes at every server start, so (server id, client id) never names two clients.
 *
 * @param user    the authorized user: for a connection of ours its {@link ConnectionName}
 * @param host    the client's address as the server saw it
 * @param name    the name the client gave itself (its own words, shown, never trusted)
 * @param account the NATS account it was placed in
 * @param since   when it connected
 */
public record ServerConnection(String serverId, String serverName, long clientId, String user, String host,
                               String name, String account, Instant since) {
    public ServerConnection {
        serverName = serverName == null || serverName.isEmpty() ? serverId : serverName;
        user = user == null ? "" : user;
        host = host == null ? "" : host;
        name = name == null ? "" : name;
        account = account == null ? "" : account;
    }

    /** The session whose JWT this connection holds, when it is one of ours. */
    public Optional<String> session() {
        return ConnectionName.sessionOf(user);
    }

    /** A live connection's key across the cluster: the server id string is shared, not copied into each key. */
    public record Key(String serverId, long clientId) { }

    public Key key() {
        return new Key(serverId, clientId);
    }
}
