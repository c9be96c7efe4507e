package saml2nats.policy;

import saml2nats.session.Identity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A loaded mapping file. Pure: {@link #decide} reads an identity and returns a decision.
 *
 * <p>Roles are tried in file order. The first that matches (and whose account the
 * person's IdP may reach) picks the account; every later match for that same account
 * adds its subjects. Limits take the largest value any contributing role states, and
 * the lifetime the shortest ttl among them, so adding a role never shortens what a
 * person may send but never stretches how long a credential lives.
 */
public record Policy(String file, Duration defaultTtl, List<Role> roles, Tenancy tenancy) {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    public Policy {
        roles = List.copyOf(roles);
    }

    public Decision decide(Identity who) {
        List<Role> matched = new ArrayList<>();
        String account = null;
        for (Role role : roles) {
            if (!role.matches(who) || !tenancy.mayGrant(who.idp(), role.account())) {
                continue;
            }
            if (account == null) {
                account = role.account();
            }
            if (role.account().equals(account)) {
                matched.add(role);
            }
        }
        if (account == null) {
            return new Decision.Deny(PolicyError.NO_MATCHING_ROLE,
                    "no role matches groups " + who.groups() + " from IdP '" + who.idp() + "'");
        }
        try {
            return new Decision.Allow(merge(account, matched, who));
        } catch (SubjectTemplate.UnsafeValue e) {
            return new Decision.Deny(PolicyError.UNSAFE_SUBJECT_VALUE, e.getMessage());
        }
    }

    private Grant merge(String account, List<Role> matched, Identity who) throws SubjectTemplate.UnsafeValue {
        Rules pubAllow = new Rules(), pubDeny = new Rules(), subAllow = new Rules(), subDeny = new Rules();
        Optional<Role.Responses> responses = Optional.empty();
        Duration ttl = null;
        for (Role role : matched) {
            pubAllow.add(role.publish().allow(), role.name(), who);
            pubDeny.add(role.publish().deny(), role.name(), who);
            subAllow.add(role.subscribe().allow(), role.name(), who);
            subDeny.add(role.subscribe().deny(), role.name(), who);
            if (role.responses().isPresent()) {
                Role.Responses r = role.responses().get();
                responses = Optional.of(responses.map(prev -> new Role.Responses(Math.max(prev.max(), r.max()),
                        prev.ttl().compareTo(r.ttl()) >= 0 ? prev.ttl() : r.ttl())).orElse(r));
            }
            Duration roleTtl = role.ttl().orElse(defaultTtl);
            ttl = ttl == null || roleTtl.compareTo(ttl) < 0 ? roleTtl : ttl;
        }
        return new Grant(account, matched.stream().map(Role::name).toList(),
                pubAllow.list, pubDeny.list, subAllow.list, subDeny.list,
                responses, ttl);
    }

    /** Filled-in subjects in order of first appearance, each credited to the first role that gave it. */
    private static final class Rules {
        final List<Grant.Rule> list = new ArrayList<>();
        private final LinkedHashSet<String> seen = new LinkedHashSet<>();

        void add(List<SubjectTemplate> templates, String role, Identity who) throws SubjectTemplate.UnsafeValue {
            for (SubjectTemplate t : templates) {
                String subject = t.fill(who);
                if (seen.add(subject)) {
                    list.add(new Grant.Rule(subject, role));
                }
            }
        }
    }
}
