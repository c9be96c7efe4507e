package saml2nats.session;

import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonObject;

/**
 * An {@link Identity} as fields of a JSON object, the one shape every store that keeps
 * people (sessions in KV, pending CLI sign-ins) writes and reads. Empty texts and an empty
 * group list are left out, as they always were, and read back as empty.
 */
public final class IdentityJson {
    private IdentityJson() { }

    public static JsonBuilder write(JsonBuilder json, Identity who) {
        json.textIfAny("idp", who.idp()).textIfAny("subject", who.subject()).textIfAny("email", who.email())
                .textIfAny("username", who.username()).textIfAny("name", who.displayName());
        return who.groups().isEmpty() ? json : json.texts("groups", who.groups());
    }

    /** IllegalArgumentException when the IdP or subject is missing: such an entry names nobody. */
    public static Identity read(JsonObject v) {
        String idp = text(v, "idp");
        String subject = text(v, "subject");
        if (idp.isEmpty() || subject.isEmpty()) {
            throw new IllegalArgumentException("an identity without " + (idp.isEmpty() ? "idp" : "subject"));
        }
        return new Identity(idp, subject, text(v, "email"), text(v, "username"), text(v, "name"), v.texts("groups"));
    }

    static String text(JsonObject v, String key) {
        return v.text(key).orElse("");
    }
}
