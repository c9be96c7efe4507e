package saml2nats.callout;

import java.util.Set;

/**
 * Which nats-servers the responder answers: a request must be signed by a server key it
 * trusts. nats-server makes a new key at every start and none can be configured, so a
 * fixed list fits only servers that never restart; {@link ServerRoster} asks the system
 * account instead. The protocol itself is guarded by nats-server too: it denies publishing
 * to {@code $SYS.REQ.USER.AUTH} to every client of the callout account, this service's
 * own users included, so a request can only come from a server.
 */
public interface ServerTrust {
    /** Whether a request signed by the server key {@code serverId} comes from one of our servers. */
    boolean trusts(String serverId);

    /** Why a request from an untrusted server was refused, for the audit line. */
    String refusal(String serverId);

    /** {@code callout.allowed_servers}: exactly these. */
    static ServerTrust listed(Set<String> servers) {
        Set<String> allowed = Set.copyOf(servers);
        return new ServerTrust() {
            @Override
            public boolean trusts(String serverId) {
                return allowed.contains(serverId);
            }

            @Override
            public String refusal(String serverId) {
                return "server " + serverId + " is not in callout.allowed_servers";
            }
        };
    }

    /** The servers the system account knows, asked through {@code system} (see {@link ServerRoster}). */
    static ServerTrust systemAccount(io.nats.client.Connection system) {
        return new ServerRoster(system);
    }

    /**
     * Any server whose request signature verifies: without allowed_servers and without a system
     * user there is nothing to check a server key against. Said at start (see {@code Saml2Nats}).
     */
    ServerTrust ANY_SIGNING_SERVER = new ServerTrust() {
        @Override
        public boolean trusts(String serverId) {
            return true;
        }

        @Override
        public String refusal(String serverId) {
            return "";
        }
    };
}
