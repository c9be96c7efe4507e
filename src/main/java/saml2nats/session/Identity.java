package saml2nats.session;

import java.util.List;
import java.util.Objects;

/**
 * Who a person is, as their identity provider said at sign-in.
 *
 * @param idp         the id of the IdP entry in the service config that vouched for this person
 * @param subject     the SAML NameID, stable per person at that IdP
 * @param email       may be empty when the IdP sends none
 * @param username    the short name used in NATS user names and {@code {{username}}}
 * @param displayName what pages show; never used in subjects
 * @param groups      group names as the IdP sent them
 */
public record Identity(String idp, String subject, String email, String username, String displayName,
                       List<String> groups) {
    public Identity {
        Objects.requireNonNull(idp, "idp");
        Objects.requireNonNull(subject, "subject");
        email = email == null ? "" : email;
        username = username == null ? "" : username;
        displayName = displayName == null ? "" : displayName;
        groups = List.copyOf(groups);
    }

    /** The same person with the groups the IdP's provisioning (SCIM) now gives them. */
    public Identity withGroups(List<String> newGroups) {
        return new Identity(idp, subject, email, username, displayName, newGroups);
    }

    /** The same person: the same NameID at the same IdP (groups and names may have changed). */
    public boolean samePersonAs(Identity other) {
        return idp.equals(other.idp) && subject.equals(other.subject);
    }
}
