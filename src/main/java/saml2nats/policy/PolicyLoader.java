package saml2nats.policy;

import saml2nats.config.Durations;
import saml2nats.config.YamlMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a mapping file into a {@link Policy}, or reports every problem in it with its
 * line. Knows which accounts the service can issue for, so a role naming any other
 * account is caught at load rather than at someone's connect.
 */
public final class PolicyLoader {
    private static final Set<String> TOP_KEYS = Set.of("defaults", "roles");
    private static final Set<String> DEFAULT_KEYS = Set.of("ttl");
    private static final Set<String> ROLE_KEYS = Set.of("name", "when", "account", "publish", "subscribe",
            "allow_responses", "limits", "ttl");
    private static final Set<String> WHEN_KEYS = Set.of("groups", "idps");
    private static final Set<String> RULE_KEYS = Set.of("allow", "deny");
    private static final Set<String> RESPONSE_KEYS = Set.of("max", "ttl");

    private final Optional<Set<String>> accounts;
    private final Tenancy tenancy;

    /**
     * @param accounts the accounts this service holds keys for; a role naming another is an error
     * @param tenancy  the accounts each IdP may reach, applied at decision time
     */
    public PolicyLoader(Set<String> accounts, Tenancy tenancy) {
        this.accounts = Optional.of(Set.copyOf(accounts));
        this.tenancy = tenancy;
    }

    private PolicyLoader(Tenancy tenancy) {
        this.accounts = Optional.empty();
        this.tenancy = tenancy;
    }

    /** For checking a file without a service config: any account name is taken as configured. */
    public static PolicyLoader withoutAccountCheck() {
        return new PolicyLoader(Tenancy.OPEN);
    }

    public Policy load(Path file) throws PolicyException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new PolicyException(List.of(new Finding(file.toString(), 0, PolicyError.UNREADABLE_FILE,
                    "cannot read the mapping file (" + e.getClass().getSimpleName() + "): check the path and its permissions")));
        }
        return parse(file.toString(), text);
    }

    public Policy parse(String file, String text) throws PolicyException {
        List<YamlMap.Problem> problems = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        YamlMap top = YamlMap.parse(text, problems);
        top.allowOnly(TOP_KEYS);

        Duration defaultTtl = top.map("defaults").flatMap(d -> {
            d.allowOnly(DEFAULT_KEYS);
            return d.scalar("ttl").flatMap(s -> duration(s, "defaults.ttl", findings, file));
        }).orElse(Policy.DEFAULT_TTL);

        if (!top.has("roles") && problems.isEmpty()) {
            findings.add(new Finding(file, top.line(), PolicyError.NO_MATCH_RULE, "the file has no 'roles': nobody could connect"));
        }
        List<Role> roles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlMap r : top.maps("roles")) {
            Role role = role(r, file, findings);
            if (role != null) {
                if (!names.add(role.name())) {
                    findings.add(new Finding(file, role.line(), PolicyError.DUPLICATE_ROLE,
                            "role '" + role.name() + "' is defined twice: give each role its own name"));
                }
                roles.add(role);
            }
        }
        for (YamlMap.Problem p : problems) {
            findings.add(new Finding(file, p.line(), code(p.kind()), p.message()));
        }
        if (!findings.isEmpty()) {
            findings.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new PolicyException(findings);
        }
        return new Policy(file, defaultTtl, roles, tenancy);
    }

    private Role role(YamlMap r, String file, List<Finding> findings) {
        r.allowOnly(ROLE_KEYS);
        String name = r.required("name").value();
        String label = name.isEmpty() ? "the role at line " + r.line() : "role '" + name + "'";

        Set<String> groups = new LinkedHashSet<>();
        Set<String> idps = new LinkedHashSet<>();
        Optional<YamlMap> when = r.map("when");
        when.ifPresent(w -> {
            w.allowOnly(WHEN_KEYS);
            w.scalars("groups").forEach(s -> groups.add(s.value()));
            w.scalars("idps").forEach(s -> idps.add(s.value()));
        });
        if (groups.isEmpty() && idps.isEmpty()) {
            findings.add(new Finding(file, when.map(YamlMap::line).orElse(r.line()), PolicyError.NO_MATCH_RULE,
                    label + " has no 'when' with groups or idps: say who it is for"));
        }

        YamlMap.Scalar account = r.required("account");
        if (!account.value().isEmpty() && accounts.isPresent() && !accounts.get().contains(account.value())) {
            findings.add(new Finding(file, account.line(), PolicyError.UNKNOWN_ACCOUNT,
                    label + " names account '" + account.value() + "', which this service is not configured to issue for; configured: "
                            + String.join(", ", new java.util.TreeSet<>(accounts.get()))));
        }

        int findingsBefore = findings.size();
        Role.Rules publish = rules(r, "publish", file, findings);
        Role.Rules subscribe = rules(r, "subscribe", file, findings);
        Optional<Role.Responses> responses = responses(r, file, findings);
        boolean malformedSubjects = findings.subList(findingsBefore, findings.size()).stream()
                .anyMatch(f -> f.code() == PolicyError.MALFORMED_SUBJECT);
        if (publish.isEmpty() && subscribe.isEmpty() && responses.isEmpty() && !malformedSubjects) {
            findings.add(new Finding(file, r.line(), PolicyError.NO_PERMISSIONS,
                    label + " allows and denies nothing: give it publish or subscribe rules"));
        }
        if (r.has("limits")) {
            int line = r.map("limits").map(YamlMap::line).orElse(r.line());
            findings.add(new Finding(file, line, PolicyError.NOT_ENFORCED, label + " has limits, which nats-server "
                    + "does not apply to users admitted by auth callout (it keeps only their permissions), so they would "
                    + "be shown and never kept. Remove them and limit the account instead: max_payload, "
                    + "max_subscriptions and max_connections in nats-server.conf, or in operator mode the account "
                    + "JWT's limits (nsc edit account --payload --max-subs --conns)"));
        }
        Optional<Duration> ttl = r.scalar("ttl").flatMap(s -> duration(s, "ttl", findings, file));
        return new Role(name, r.line(), groups, idps, account.value(), publish, subscribe, responses, ttl);
    }

    private static Role.Rules rules(YamlMap r, String key, String file, List<Finding> findings) {
        return r.map(key).map(m -> {
            m.allowOnly(RULE_KEYS);
            return new Role.Rules(subjects(m, "allow", file, findings), subjects(m, "deny", file, findings));
        }).orElse(Role.Rules.NONE);
    }

    private static List<SubjectTemplate> subjects(YamlMap m, String key, String file, List<Finding> findings) {
        List<SubjectTemplate> out = new ArrayList<>();
        for (YamlMap.Scalar s : m.scalars(key)) {
            SubjectTemplate t = new SubjectTemplate(s.value());
            t.problem().ifPresentOrElse(
                    p -> findings.add(new Finding(file, s.line(), PolicyError.MALFORMED_SUBJECT, p)),
                    () -> out.add(t));
        }
        return out;
    }

    private static Optional<Role.Responses> responses(YamlMap r, String file, List<Finding> findings) {
        if (!r.has("allow_responses")) {
            return Optional.empty();
        }
        if (!r.isMap("allow_responses")) {
            YamlMap.Scalar s = r.scalar("allow_responses").orElse(new YamlMap.Scalar("", r.line()));
            return switch (s.value()) {
                case "true" -> Optional.of(Role.Responses.DEFAULT);
                case "false" -> Optional.empty();
                default -> {
                    findings.add(new Finding(file, s.line(), PolicyError.BAD_VALUE,
                            "allow_responses must be true, false, or {max: N, ttl: 5s}"));
                    yield Optional.empty();
                }
            };
        }
        YamlMap m = r.map("allow_responses").orElseThrow();
        m.allowOnly(RESPONSE_KEYS);
        int max = m.scalar("max").map(s -> (int) number(s, "allow_responses.max", file, findings)).orElse(1);
        Duration ttl = m.scalar("ttl").flatMap(s -> duration(s, "allow_responses.ttl", findings, file)).orElse(Duration.ZERO);
        return Optional.of(new Role.Responses(max, ttl));
    }

    private static long number(YamlMap.Scalar s, String key, String file, List<Finding> findings) {
        try {
            long n = Long.parseLong(s.value().trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        findings.add(new Finding(file, s.line(), PolicyError.BAD_VALUE, key + " must be a whole number >= 0, was '" + s.value() + "'"));
        return 1;
    }

    private static Optional<Duration> duration(YamlMap.Scalar s, String key, List<Finding> findings, String file) {
        Optional<Duration> d = Durations.parse(s.value());
        if (d.isEmpty()) {
            findings.add(new Finding(file, s.line(), PolicyError.BAD_VALUE,
                    key + " must be a duration such as 90s, 15m or 1h, was '" + s.value() + "'"));
        }
        return d;
    }

    private static PolicyError code(YamlMap.Kind kind) {
        return switch (kind) {
            case SYNTAX -> PolicyError.YAML_SYNTAX;
            case UNKNOWN_KEY -> PolicyError.UNKNOWN_KEY;
            case WRONG_TYPE, MISSING_KEY -> PolicyError.BAD_VALUE;
        };
    }
}
