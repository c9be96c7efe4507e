package saml2nats.scim;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A person as the IdP's provisioning describes them, kept so a later sign-in knows their
 * status even if the service never saw them before. Only what decides access is kept:
 * who they are (userName, e-mails, names) and whether they are active; the rest of what
 * an IdP sends (phone numbers, addresses, titles) is accepted and not stored.
 *
 * @param id      this service's id for them (a UUID), fixed at creation
 * @param idp     the IdP entry whose SCIM client provisioned them
 * @param version raised by every change, as the ETag {@code W/"<version>"}
 */
record ScimUser(String id, String idp, String userName, String externalId, boolean active, String displayName,
                String givenName, String familyName, List<Email> emails, Instant created, Instant modified,
                long version) {

    record Email(String value, String type, boolean primary) {
        Email {
            value = value == null ? "" : value;
            type = type == null ? "" : type;
        }
    }

    ScimUser {
        Objects.requireNonNull(id, "id");
        externalId = externalId == null ? "" : externalId;
        displayName = displayName == null ? "" : displayName;
        givenName = givenName == null ? "" : givenName;
        familyName = familyName == null ? "" : familyName;
        emails = List.copyOf(emails);
    }

    /** The primary e-mail, else the first one, else empty. */
    String primaryEmail() {
        return emails.stream().filter(Email::primary).findFirst().or(() -> emails.stream().findFirst())
                .map(Email::value).orElse("");
    }

    /** The changeable attributes of {@code other} on this user's id, creation time and idp. */
    ScimUser withAttributesOf(ScimUser other) {
        return new ScimUser(id, idp, other.userName, other.externalId, other.active, other.displayName,
                other.givenName, other.familyName, other.emails, created, modified, version);
    }

    ScimUser touched(Instant at) {
        return new ScimUser(id, idp, userName, externalId, active, displayName, givenName, familyName, emails,
                created, at, version + 1);
    }
}
