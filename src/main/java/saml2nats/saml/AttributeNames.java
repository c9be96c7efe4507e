package saml2nats.saml;

import java.util.List;

/**
 * Which SAML attributes carry what, per IdP. For email, names and username the defaults
 * cover the names Okta, Keycloak, Google Workspace, OneLogin, ADFS and Entra ID send out
 * of the box, and the first attribute present wins. Groups grant access, so they come
 * from exactly one attribute, chosen per IdP ({@code kind} or {@code attributes.groups}),
 * never from whichever of several an assertion happens to carry.
 */
public record AttributeNames(List<String> email, List<String> username, List<String> displayName,
                             List<String> givenName, List<String> familyName, String groups) {

    static final String ENTRA = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    /** Entra ID sends this instead of the groups when a person is in more than 150 of them. */
    public static final String ENTRA_GROUPS_OVERAGE = "http://schemas.microsoft.com/claims/groups.link";

    public static final AttributeNames DEFAULTS = new AttributeNames(
            List.of("email", "mail", "Email", "emailAddress", ENTRA + "emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"),
            List.of("username", "uid", "preferred_username", "Username", "login", ENTRA + "name", "urn:oid:0.9.2342.19200300.100.1.1"),
            List.of("displayName", "display_name", "name", "http://schemas.microsoft.com/identity/claims/displayname",
                    "urn:oid:2.16.840.1.113730.3.1.241"),
            List.of("firstName", "givenName", "given_name", "first_name", ENTRA + "givenname", "urn:oid:2.5.4.42"),
            List.of("lastName", "surname", "sn", "family_name", "last_name", ENTRA + "surname", "urn:oid:2.5.4.4"),
            "groups");

    public AttributeNames {
        email = List.copyOf(email);
        username = List.copyOf(username);
        displayName = List.copyOf(displayName);
        givenName = List.copyOf(givenName);
        familyName = List.copyOf(familyName);
        if (groups == null || groups.isBlank()) {
            throw new IllegalArgumentException("the attribute that carries groups must be named");
        }
    }

    /** The same names, with groups read from {@code attribute}. */
    public AttributeNames withGroups(String attribute) {
        return new AttributeNames(email, username, displayName, givenName, familyName, attribute);
    }
}
