package saml2nats.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which product an IdP entry is, for the defaults that differ between them: the attributes
 * that carry a person's groups, username and e-mail, the three that decide access (groups
 * pick roles; username and e-mail fill subjects). They are decided per IdP, never per
 * assertion: taking "the first of groups, memberOf, Role, ..." that an assertion happens to
 * carry would read a Keycloak person's realm roles (its default {@code role_list} scope sends
 * {@code Role}) as groups whenever they are in no group, and a role named like a mapped group
 * would grant it. {@code attributes:} in the IdP entry names others.
 */
public enum IdpKind {
    /**
     * Okta, Keycloak (group membership mapper), Google Workspace, OneLogin, and anything else:
     * attributes named {@code groups}, {@code username} and {@code email}, as their admin consoles let you name them.
     */
    GENERIC("groups", "username", "email"),
    OKTA("groups", "username", "email"),
    KEYCLOAK("groups", "username", "email"),
    GOOGLE("groups", "username", "email"),
    ONELOGIN("groups", "username", "email"),
    /** Entra ID's default claims: groups (object IDs, or names when configured so), name (the UPN), emailaddress. */
    ENTRA("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"),
    /** AD FS's claim types: Group, UPN, E-Mail Address. */
    ADFS("http://schemas.xmlsoap.org/claims/Group",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress");

    /** The attribute that carries groups unless {@code attributes.groups} names another. */
    public final String groupsAttribute;
    /** The attribute that carries the username unless {@code attributes.username} names another. */
    public final String usernameAttribute;
    /** The attribute that carries the e-mail address unless {@code attributes.email} names another. */
    public final String emailAttribute;

    IdpKind(String groupsAttribute, String usernameAttribute, String emailAttribute) {
        this.groupsAttribute = groupsAttribute;
        this.usernameAttribute = usernameAttribute;
        this.emailAttribute = emailAttribute;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IdpKind> fromConfig(String text) {
        return Arrays.stream(values()).filter(k -> k.configName().equals(text)).findFirst();
    }
}
