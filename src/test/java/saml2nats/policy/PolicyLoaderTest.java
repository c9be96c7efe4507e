package saml2nats.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every validation error, with the line it names. */
class PolicyLoaderTest {
    private final PolicyLoader loader = new PolicyLoader(Set.of("DEV", "OPS"), Tenancy.OPEN);

    private List<Finding> findings(String text) {
        return assertThrows(PolicyException.class, () -> loader.parse("m.yaml", text)).findings();
    }

    private void assertFinding(String text, PolicyError code, int line, String fragment) {
        List<Finding> found = findings(text);
        assertTrue(found.stream().anyMatch(f -> f.code() == code && f.line() == line && f.message().contains(fragment)
                        && f.file().equals("m.yaml")),
                "expected " + code + " at line " + line + " containing '" + fragment + "' in " + found);
    }

    @Test
    void unknownKeyNamesTheKeyAndTheLine() {
        assertFinding("""
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                    subcribe: { allow: ["a"] }
                    publish: { allow: ["a"] }
                """, PolicyError.UNKNOWN_KEY, 5, "subcribe");
    }

    /** A role whose second publish subject (line 8) is the one under test. */
    static final String ONE_SUBJECT = """
            roles:
              - name: dev
                when: { groups: [g] }
                account: DEV
                publish:
                  allow:
                    - "ok.>"
                    - "%s"
            """;

    @Test
    void malformedSubjects() {
        String template = ONE_SUBJECT;
        assertFinding(template.formatted("a..b"), PolicyError.MALFORMED_SUBJECT, 8, "empty token");
        assertFinding(template.formatted("a.>.b"), PolicyError.MALFORMED_SUBJECT, 8, "'>' before the last token");
        assertFinding(template.formatted("a.b*"), PolicyError.MALFORMED_SUBJECT, 8, "wildcard inside");
        assertFinding(template.formatted("a b"), PolicyError.MALFORMED_SUBJECT, 8, "whitespace");
        assertFinding(template.formatted("user.{{name}}"), PolicyError.MALFORMED_SUBJECT, 8, "unknown placeholder {{name}}");
        assertFinding(template.formatted("user.{{username}"), PolicyError.MALFORMED_SUBJECT, 8, "braces");
    }

    @Test
    void aPerPersonSubjectMustBeUniqueAcrossIdps() throws Exception {
        String template = ONE_SUBJECT;
        for (String unsafe : List.of("user.{{username}}.>", "user.{{email}}", "inbox.{{subject}}.>")) {
            assertFinding(template.formatted(unsafe), PolicyError.MALFORMED_SUBJECT, 8, "without {{idp}}");
        }
        for (String runTogether : List.of("user.{{idp}}{{username}}.>", "user.{{idp}}-{{subject}}.>", "u.{{idp}}.{{email}}{{username}}")) {
            assertFinding(template.formatted(runTogether), PolicyError.MALFORMED_SUBJECT, 8, "two placeholders in the token");
        }
        for (String safe : List.of("user.{{idp}}.{{username}}.>", "u-{{idp}}.x-{{subject}}.>", "team.{{idp}}.>", "{{email}}.{{idp}}")) {
            loader.parse("m.yaml", template.formatted(safe));
        }
    }

    @Test
    void accountTheServiceCannotIssueFor() {
        assertFinding("""
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: PROD
                    publish: { allow: ["a"] }
                """, PolicyError.UNKNOWN_ACCOUNT, 4, "PROD");
    }

    @Test
    void roleWithoutMatchRule() {
        assertFinding("""
                roles:
                  - name: everyone
                    account: DEV
                    publish: { allow: ["a"] }
                """, PolicyError.NO_MATCH_RULE, 2, "no 'when'");
    }

    @Test
    void roleWithoutPermissions() {
        assertFinding("""
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                """, PolicyError.NO_PERMISSIONS, 2, "allows and denies nothing");
    }

    /** nats-server keeps only the permissions of a callout user's JWT, so a per-user limit would be a false promise. */
    @Test
    void limitsAreRefusedBecauseNatsServerDoesNotApplyThemToCalloutUsers() {
        String mapping = """
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                    publish: { allow: ["a"] }
                    limits: { subs: 5, payload: 100 }
                """;
        assertFinding(mapping, PolicyError.NOT_ENFORCED, 6, "does not apply to users admitted by auth callout");
        assertFinding(mapping, PolicyError.NOT_ENFORCED, 6, "max_payload");
        assertFinding(mapping.replace("{ subs: 5, payload: 100 }", "{ data: 10MiB }"), PolicyError.NOT_ENFORCED, 6, "limits");
    }

    @Test
    void badValues() {
        assertFinding("""
                defaults: { ttl: forever }
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                    publish: { allow: ["a"] }
                """, PolicyError.BAD_VALUE, 1, "defaults.ttl");
        assertFinding("""
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                    publish: { allow: ["a"] }
                    allow_responses: sometimes
                """, PolicyError.BAD_VALUE, 6, "allow_responses");
    }

    @Test
    void duplicateRoleAndSyntax() {
        assertFinding("""
                roles:
                  - name: dev
                    when: { groups: [g] }
                    account: DEV
                    publish: { allow: ["a"] }
                  - name: dev
                    when: { groups: [h] }
                    account: DEV
                    publish: { allow: ["b"] }
                """, PolicyError.DUPLICATE_ROLE, 6, "defined twice");
        assertFinding("roles:\n  - name: [unclosed\n", PolicyError.YAML_SYNTAX, 3, "not valid YAML");
        assertFinding("roles:\n  - name: a\n    name: b\n", PolicyError.YAML_SYNTAX, 3, "duplicate");
    }

    @Test
    void allProblemsAtOnceInLineOrder() {
        List<Finding> found = findings("""
                roles:
                  - name: a
                    acount: DEV
                    when: { groups: [g] }
                    publish: { allow: ["x..y"] }
                """);
        assertTrue(found.size() >= 3, found.toString());
        for (int i = 1; i < found.size(); i++) {
            assertTrue(found.get(i - 1).line() <= found.get(i).line(), found.toString());
        }
    }

    @Test
    void theExampleMappingIsValid() throws Exception {
        Policy p = loader.load(java.nio.file.Path.of("config/mapping.yaml"));
        assertEquals(List.of("developers", "operators", "auditors"), p.roles().stream().map(Role::name).toList());
    }
}
