package saml2nats.audit;

import java.time.Instant;
import java.util.List;

/**
 * One decision, as written to the audit log. Holds no secret by construction: there
 * is no field for a token, a seed or a JWT.
 *
 * @param outcome {@code allow} or {@code deny}
 * @param reason  the error code of a refusal ({@code UNKNOWN_TOKEN}, ...), or {@code OK}
 * @param client  the connection this was about; empty values when unknown
 */
public record AuditEvent(Instant time, String action, String outcome, String reason, String detail,
                         String session, String subject, String email, String idp,
                         List<String> roles, String account, Client client, Instant expires) {

    public record Client(String host, String name, String lang, String version, String serverId, long clientId,
                         String kind) {
        public static final Client NONE = new Client("", "", "", "", "", 0, "");
    }

    public AuditEvent {
        roles = List.copyOf(roles);
    }
}
