package saml2nats.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One role of the mapping file, as loaded: who it matches and what it grants.
 *
 * @param groups  matches a person in any of these groups; empty means "any group" only when {@code idps} is set
 * @param idps    restricts the role to people from these IdPs; empty means any IdP
 * @param ttl     how long a user JWT from this role may live; empty means the file's default
 */
public record Role(String name, int line, Set<String> groups, Set<String> idps, String account,
                   Rules publish, Rules subscribe, Optional<Responses> responses, Optional<Duration> ttl) {

    /** Allow and deny subject lists for one direction. */
    public record Rules(List<SubjectTemplate> allow, List<SubjectTemplate> deny) {
        public static final Rules NONE = new Rules(List.of(), List.of());

        public boolean isEmpty() {
            return allow.isEmpty() && deny.isEmpty();
        }

        /** The allowed subjects as the mapping file writes them, placeholders unfilled (for the access review). */
        public List<String> allowed() {
            return allow.stream().map(SubjectTemplate::text).toList();
        }

        /** The denied subjects as the mapping file writes them. */
        public List<String> denied() {
            return deny.stream().map(SubjectTemplate::text).toList();
        }
    }

    /** Permission to answer requests on their reply subjects without listing them ({@code allow_responses}). */
    public record Responses(int max, Duration ttl) {
        public static final Responses DEFAULT = new Responses(1, Duration.ZERO);
    }

    boolean matches(saml2nats.session.Identity who) {
        boolean idpOk = idps.isEmpty() || idps.contains(who.idp());
        boolean groupOk = groups.isEmpty() || who.groups().stream().anyMatch(groups::contains);
        return idpOk && groupOk;
    }
}
