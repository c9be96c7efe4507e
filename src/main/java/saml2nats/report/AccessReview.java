package saml2nats.report;

import saml2nats.policy.Policy;
import saml2nats.policy.Role;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The access review an auditor asks for, so a privilege on NATS traces back to a control at the
 * IdP: (a) the policy as a table, role → IdP groups → account → what it may publish and subscribe
 * → how long its JWTs live; (b) per IdP group what it grants; (c) when an audit log is given, who
 * held which grant when ({@link Holdings}). Built whole from the policy in force; rendered by
 * {@link ReviewFormat}.
 *
 * @param source where the holdings were read (an audit file), or why there are none
 */
public record AccessReview(String policyFile, Instant generated, List<RoleRow> roles, List<GroupRow> groups,
                           Optional<Holdings> history, String source) {

    /** A role of the mapping file, as it grants. {@code groups} empty: any group (of {@code idps}). */
    public record RoleRow(String role, int line, List<String> groups, List<String> idps, String account,
                          List<String> publishAllow, List<String> publishDeny, List<String> subscribeAllow,
                          List<String> subscribeDeny, boolean responses, Duration ttl) { }

    /** What one IdP group grants through one role; {@code group} is {@link #ANY_GROUP} for a role with no group list. */
    public record GroupRow(String group, List<String> idps, String role, String account) { }

    /** The group column of a role that matches any group (the mapping gives only {@code idps}). */
    public static final String ANY_GROUP = "(any group)";

    /**
     * The review of {@code policy}, with the holdings of the audit log {@code audit} in the window when
     * one is given ({@code none} says why there is none). A line that cannot be read is skipped and named.
     *
     * @throws java.io.IOException when the audit file cannot be opened or read at all
     */
    public static AccessReview read(Policy policy, Optional<java.nio.file.Path> audit, Holdings.Window window,
                                    String none, Instant now) throws java.io.IOException {
        if (audit.isEmpty()) {
            return of(policy, Optional.empty(), none, now);
        }
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(audit.get(),
                java.nio.charset.StandardCharsets.UTF_8)) {
            return of(policy, Optional.of(Holdings.read(in, window)), "the audit log " + audit.get(), now);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new java.io.IOException(audit.get() + " is not UTF-8 text: is it an audit log?", e);
        }
    }

    public static AccessReview of(Policy policy, Optional<Holdings> history, String source, Instant now) {
        List<RoleRow> roles = new ArrayList<>();
        Map<String, List<GroupRow>> byGroup = new TreeMap<>();
        for (Role r : policy.roles()) {
            List<String> groups = r.groups().stream().sorted().toList();
            List<String> idps = r.idps().stream().sorted().toList();
            roles.add(new RoleRow(r.name(), r.line(), groups, idps, r.account(), r.publish().allowed(),
                    r.publish().denied(), r.subscribe().allowed(), r.subscribe().denied(), r.responses().isPresent(),
                    r.ttl().orElse(policy.defaultTtl())));
            for (String g : groups.isEmpty() ? List.of(ANY_GROUP) : groups) {
                byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(new GroupRow(g, idps, r.name(), r.account()));
            }
        }
        List<GroupRow> groups = new ArrayList<>();
        byGroup.values().forEach(groups::addAll);
        return new AccessReview(policy.file(), now, List.copyOf(roles), List.copyOf(groups), history, source);
    }
}
