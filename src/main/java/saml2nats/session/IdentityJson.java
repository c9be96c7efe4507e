package saml2nats.session;

import io.nats.client.support.JsonUtils;
import io.nats.client.support.JsonValue;

import java.util.List;

/**
 * An {@link Identity} as fields of a JSON object, the one shape every store that keeps
 * people (sessions in KV, pending CLI sign-ins) writes and reads.
 */
public final class IdentityJson {
    private IdentityJson() { }

    public static void write(StringBuilder sb, Identity who) {
        JsonUtils.addField(sb, "idp", who.idp());
        JsonUtils.addField(sb, "subject", who.subject());
        JsonUtils.addField(sb, "email", who.email());
        JsonUtils.addField(sb, "username", who.username());
        JsonUtils.addField(sb, "name", who.displayName());
        JsonUtils.addStrings(sb, "groups", who.groups());
    }

    /** IllegalArgumentException when the IdP or subject is missing: such an entry names nobody. */
    public static Identity read(JsonValue v) {
        JsonValue groups = v.map.get("groups");
        String idp = text(v, "idp");
        String subject = text(v, "subject");
        if (idp.isEmpty() || subject.isEmpty()) {
            throw new IllegalArgumentException("an identity without " + (idp.isEmpty() ? "idp" : "subject"));
        }
        return new Identity(idp, subject, text(v, "email"), text(v, "username"), text(v, "name"),
                groups == null || groups.array == null ? List.of() : groups.array.stream().map(g -> g.string).toList());
    }

    static String text(JsonValue v, String key) {
        JsonValue x = v.map.get(key);
        return x == null || x.string == null ? "" : x.string;
    }
}
