package saml2nats.web;

import saml2nats.session.Identity;

import java.util.List;
import java.util.Optional;

/**
 * The test people of {@code dev_idp: true}, matching {@code config/mapping.yaml}. Only
 * for trying the service on a laptop; the service refuses this mode unless its
 * public URL is on localhost.
 */
final class DevPeople {
    static final String IDP = "dev";

    static final List<Identity> PEOPLE = List.of(
            new Identity(IDP, "alice@example.com", "alice@example.com", "alice", "Alice Developer", List.of("eng-developers")),
            new Identity(IDP, "bob@example.com", "bob@example.com", "bob", "Bob Operator", List.of("eng-operators")),
            new Identity(IDP, "carol@example.com", "carol@example.com", "carol", "Carol Auditor", List.of("audit")));

    private DevPeople() { }

    static Optional<Identity> byUsername(String username) {
        return PEOPLE.stream().filter(p -> p.username().equals(username)).findFirst();
    }
}
