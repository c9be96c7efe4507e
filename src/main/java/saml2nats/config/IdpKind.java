package saml2nats.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which product an IdP entry is, for the one default that differs between them: the
 * attribute that carries a person's groups. It is decided per IdP, never per assertion:
 * taking "the first of groups, memberOf, Role, ..." that an assertion happens to carry
 * would read a Keycloak person's realm roles (its default {@code role_list} scope sends
 * {@code Role}) as groups whenever they are in no group, and a role named like a mapped
 * group would grant it.
 */
public enum IdpKind {
    /** Okta, Keycloak (group membership mapper), Google Workspace, OneLogin, and anything else: an attribute named {@code groups}. */
    GENERIC("groups"),
    OKTA("groups"),
    KEYCLOAK("groups"),
    GOOGLE("groups"),
    ONELOGIN("groups"),
    /** Entra ID's group claim (object IDs, or names when the claim is configured so). */
    ENTRA("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"),
    /** AD FS's "Group" claim type. */
    ADFS("http://schemas.xmlsoap.org/claims/Group");

    /** The attribute that carries groups unless {@code attributes.groups} names another. */
    public final String groupsAttribute;

    IdpKind(String groupsAttribute) {
        this.groupsAttribute = groupsAttribute;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IdpKind> fromConfig(String text) {
        return Arrays.stream(values()).filter(k -> k.configName().equals(text)).findFirst();
    }
}
