package saml2nats.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one person may do on NATS: filled-in subjects and lifetime, with the
 * role each part came from (for {@code explain} and the signed-in page). A direction is
 * what its allow list says, narrowed by its deny list: with no allow it is closed, never
 * open (nats-server itself would read a missing allow list as "everything").
 */
public record Grant(String account, List<String> roles,
                    List<Rule> publishAllow, List<Rule> publishDeny,
                    List<Rule> subscribeAllow, List<Rule> subscribeDeny,
                    Optional<Role.Responses> responses, Duration ttl) {

    /** The subject that matches every subject: a closed direction is {@code deny: [">"]}. */
    public static final String NOTHING = ">";

    /** A subject and the role that put it there. */
    public record Rule(String subject, String role) { }

    public static List<String> subjects(List<Rule> rules) {
        return rules.stream().map(Rule::subject).toList();
    }

    /**
     * A subject this grant may subscribe to, for the page's and the CLI's connect example:
     * an allowed pattern itself when nothing is denied, else a literal one that no deny rule
     * matches. Empty when subscribing is closed.
     */
    public Optional<String> subscribeExample() {
        return example(subscribeAllow, subscribeDeny, subscribeDeny.isEmpty());
    }

    /** A literal subject this grant may publish to (wildcards filled in), or empty when publishing is closed. */
    public Optional<String> publishExample() {
        return example(publishAllow, publishDeny, false);
    }

    private static Optional<String> example(List<Rule> allow, List<Rule> deny, boolean patternWillDo) {
        for (Rule rule : allow) {
            if (rule.subject().startsWith("_INBOX.") || rule.subject().startsWith("$")) {
                continue; // reply and system subjects make a poor first example
            }
            String literal = rule.subject().replaceAll("(^|\\.)\\*(?=\\.|$)", "$1example").replaceAll("(^|\\.)>$", "$1hello");
            if (deny.stream().noneMatch(d -> matches(d.subject(), literal))) {
                return Optional.of(patternWillDo ? rule.subject() : literal);
            }
        }
        return Optional.empty();
    }

    /** NATS subject matching: {@code *} is one token, a final {@code >} one or more. */
    static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !p[i].equals("*") && !p[i].equals(s[i])) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
