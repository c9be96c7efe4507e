package saml2nats.callout;

import java.time.Instant;
import java.util.Optional;

/**
 * A verified authorization request from nats-server (its signature, issuer, type
 * and expiry already checked).
 *
 * @param userNkey  the fresh user key the server made for this connect; the response
 *                  and the user JWT must both name it, which is what stops a replay
 * @param token     the secret the client presented; never logged, never in toString
 */
record AuthRequest(String serverId, String serverName, Optional<String> serverXkey, String userNkey,
                          Client client, Optional<String> token, Instant expires) {

    /** What the server tells us of the connecting client, for the audit line. */
    public record Client(String host, long id, String kind, String name, String lang, String version, String user) { }

    @Override
    public String toString() {
        return "AuthRequest[server=" + serverId + ", user_nkey=" + userNkey + ", client=" + client
                + ", token=" + (token.isPresent() ? "present" : "absent") + "]";
    }
}
