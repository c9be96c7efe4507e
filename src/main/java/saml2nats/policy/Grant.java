package saml2nats.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one person may do on NATS: filled-in subjects, limits and lifetime, with the
 * role each part came from (for {@code explain} and the signed-in page). A direction is
 * what its allow list says, narrowed by its deny list: with no allow it is closed, never
 * open (nats-server itself would read a missing allow list as "everything").
 */
public record Grant(String account, List<String> roles,
                    List<Rule> publishAllow, List<Rule> publishDeny,
                    List<Rule> subscribeAllow, List<Rule> subscribeDeny,
                    Optional<Role.Responses> responses, Role.Limits limits, Duration ttl) {

    /** The subject that matches every subject: a closed direction is {@code deny: [">"]}. */
    public static final String NOTHING = ">";

    /** A subject and the role that put it there. */
    public record Rule(String subject, String role) { }

    public static List<String> subjects(List<Rule> rules) {
        return rules.stream().map(Rule::subject).toList();
    }
}
