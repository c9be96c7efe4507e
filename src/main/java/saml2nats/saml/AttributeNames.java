package saml2nats.saml;

import java.util.List;

/**
 * Which SAML attributes carry what, for one IdP. Groups, username and e-mail decide access
 * (groups pick roles, the other two fill subjects), so each comes from exactly one
 * attribute, chosen per IdP ({@code kind} or {@code attributes:}), never from whichever of
 * several an assertion happens to carry. Names only show on pages; for them the first of the
 * usual attribute names present is taken.
 */
record AttributeNames(String email, String username, List<String> displayName,
                             List<String> givenName, List<String> familyName, String groups) {

    static final String ENTRA = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    /** Entra ID sends this instead of the groups when a person is in more than 150 of them. */
    public static final String ENTRA_GROUPS_OVERAGE = "http://schemas.microsoft.com/claims/groups.link";

    /** What a generic IdP (and the development IdP) sends: {@code email}, {@code username}, {@code groups}. */
    public static final AttributeNames DEFAULTS = new AttributeNames("email", "username",
            List.of("displayName", "display_name", "name", "http://schemas.microsoft.com/identity/claims/displayname",
                    "urn:oid:2.16.840.1.113730.3.1.241"),
            List.of("firstName", "givenName", "given_name", "first_name", ENTRA + "givenname", "urn:oid:2.5.4.42"),
            List.of("lastName", "surname", "sn", "family_name", "last_name", ENTRA + "surname", "urn:oid:2.5.4.4"),
            "groups");

    public AttributeNames {
        displayName = List.copyOf(displayName);
        givenName = List.copyOf(givenName);
        familyName = List.copyOf(familyName);
        for (String name : new String[]{email, username, groups}) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("the attributes that carry e-mail, username and groups must be named");
            }
        }
    }

    /** The same names, with e-mail, username and groups read from these attributes. */
    public AttributeNames deciding(String emailAttribute, String usernameAttribute, String groupsAttribute) {
        return new AttributeNames(emailAttribute, usernameAttribute, displayName, givenName, familyName, groupsAttribute);
    }
}
