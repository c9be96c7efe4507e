package saml2nats.scim;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A group as the IdP's provisioning pushes it. Its {@code displayName} is what the mapping
 * file's {@code when: { groups: [...] }} matches, so it must be the name the IdP also sends
 * in the SAML groups attribute.
 *
 * @param members ids of {@link ScimUser}s of the same IdP, in the order they were added
 */
record ScimGroup(String id, String idp, String displayName, String externalId, List<String> members,
                 Instant created, Instant modified, long version) {
    ScimGroup {
        Objects.requireNonNull(id, "id");
        externalId = externalId == null ? "" : externalId;
        members = List.copyOf(new java.util.LinkedHashSet<>(members));
    }

    ScimGroup with(String newName, String newExternalId, List<String> newMembers) {
        return new ScimGroup(id, idp, newName, newExternalId, newMembers, created, modified, version);
    }

    ScimGroup touched(Instant at) {
        return new ScimGroup(id, idp, displayName, externalId, members, created, at, version + 1);
    }
}
