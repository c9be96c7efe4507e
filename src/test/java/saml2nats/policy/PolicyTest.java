package saml2nats.policy;

import org.junit.jupiter.api.Test;
import saml2nats.session.Identity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    static final String FILE = """
            defaults: { ttl: 1h }
            roles:
              - name: developers
                when: { groups: [eng-developers, devs] }
                account: DEV
                publish:   { allow: ["dev.>", "user.{{idp}}.{{username}}.>"] }
                subscribe: { allow: ["dev.>", "_INBOX.>"] }
              - name: oncall
                when: { groups: [oncall] }
                account: DEV
                publish:   { allow: ["dev.>", "pager.>"], deny: ["dev.prod.>"] }
                allow_responses: { max: 3, ttl: 5s }
                ttl: 10m
              - name: operators
                when: { groups: [ops, oncall] }
                account: OPS
                subscribe: { allow: ["ops.>"] }
              - name: acme-staff
                when: { groups: [staff], idps: [acme] }
                account: ACME
                subscribe: { allow: ["acme.{{idp}}.{{email}}"] }
            """;

    static Policy policy(Tenancy tenancy) throws PolicyException {
        return new PolicyLoader(Set.of("DEV", "OPS", "ACME"), tenancy).parse("mapping.yaml", FILE);
    }

    static Identity person(String idp, String username, String email, String... groups) {
        return new Identity(idp, email, email, username, username, List.of(groups));
    }

    static Grant allowed(Decision d) {
        return assertInstanceOf(Decision.Allow.class, d, String.valueOf(d)).grant();
    }

    @Test
    void firstMatchPicksTheAccountAndLaterMatchesForItAdd() throws Exception {
        Grant g = allowed(policy(Tenancy.OPEN).decide(person("okta", "ann", "ann@x.com", "oncall", "devs")));
        assertEquals("DEV", g.account(), "developers comes first in the file");
        assertEquals(List.of("developers", "oncall"), g.roles(), "operators matches too but is another account");
        assertEquals(List.of("dev.>", "user.okta.ann.>", "pager.>"), Grant.subjects(g.publishAllow()));
        assertEquals(new Grant.Rule("pager.>", "oncall"), g.publishAllow().get(2), "each subject is credited to its role");
        assertEquals(List.of("dev.prod.>"), Grant.subjects(g.publishDeny()));
        assertEquals(Duration.ofMinutes(10), g.ttl(), "the shortest ttl among contributing roles");
        assertEquals(3, g.responses().orElseThrow().max());
    }

    @Test
    void roleOrderDecidesTheAccount() throws Exception {
        Grant g = allowed(policy(Tenancy.OPEN).decide(person("okta", "op", "op@x.com", "ops")));
        assertEquals("OPS", g.account());
        assertEquals(Duration.ofHours(1), g.ttl(), "the default ttl");
    }

    @Test
    void noMatchingRoleIsDenied() throws Exception {
        Decision d = policy(Tenancy.OPEN).decide(person("okta", "s", "s@x.com", "sales"));
        assertEquals(PolicyError.NO_MATCHING_ROLE, assertInstanceOf(Decision.Deny.class, d).code());
    }

    @Test
    void idpFilterInWhen() throws Exception {
        assertInstanceOf(Decision.Deny.class, policy(Tenancy.OPEN).decide(person("okta", "s", "s@acme.com", "staff")),
                "staff from another IdP do not match acme-staff");
        Grant g = allowed(policy(Tenancy.OPEN).decide(person("acme", "s", "s@acme.com", "staff")));
        assertEquals(List.of("acme.acme.s@acme%2Ecom"), Grant.subjects(g.subscribeAllow()));
    }

    @Test
    void tenantIsolationWhateverGroupsTheAssertionClaims() throws Exception {
        Tenancy tenancy = new Tenancy(Map.of("acme", Set.of("ACME")));
        // acme's IdP claims engineering and ops groups: it still only ever reaches ACME
        Identity claimsEverything = person("acme", "eve", "eve@acme.com", "eng-developers", "ops", "oncall", "staff");
        Grant g = allowed(policy(tenancy).decide(claimsEverything));
        assertEquals("ACME", g.account());
        assertEquals(List.of("acme-staff"), g.roles());
        Decision onlyDevGroups = policy(tenancy).decide(person("acme", "eve", "eve@acme.com", "eng-developers"));
        assertEquals(PolicyError.NO_MATCHING_ROLE, assertInstanceOf(Decision.Deny.class, onlyDevGroups).code());
        // an IdP without an entry is unrestricted
        assertEquals("DEV", allowed(policy(tenancy).decide(person("okta", "d", "d@x.com", "devs"))).account());
    }

    @Test
    void hostileValuesStayOneToken() throws Exception {
        Grant g = allowed(policy(Tenancy.OPEN).decide(person("okta", "a.b>*", "x@y.z", "devs")));
        assertEquals("user.okta.a%2Eb%3E%2A.>", Grant.subjects(g.publishAllow()).get(1));
        Grant spaces = allowed(policy(Tenancy.OPEN).decide(person("okta", "a b\t%", "x@y.z", "devs")));
        assertEquals("user.okta.a%20b%09%25.>", Grant.subjects(spaces.publishAllow()).get(1));
        assertTrue(SubjectTemplate.subjectProblem(Grant.subjects(g.publishAllow()).get(1)).isEmpty());
    }

    @Test
    void distinctPeopleGetDistinctSubjects() throws Exception {
        var p = policy(Tenancy.OPEN);
        String dotted = Grant.subjects(allowed(p.decide(person("okta", "a.b", "1@x", "devs"))).publishAllow()).get(1);
        String underscored = Grant.subjects(allowed(p.decide(person("okta", "a_b", "2@x", "devs"))).publishAllow()).get(1);
        assertTrue(!dotted.equals(underscored), dotted + " vs " + underscored);
    }

    @Test
    void emptyOrOverlongValueDeniesRatherThanWidens() throws Exception {
        Decision empty = policy(Tenancy.OPEN).decide(person("okta", "", "x@y.z", "devs"));
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, empty);
        assertEquals(PolicyError.UNSAFE_SUBJECT_VALUE, deny.code());
        assertTrue(deny.reason().contains("{{username}}"), deny.reason());
        Decision longName = policy(Tenancy.OPEN).decide(person("okta", "x".repeat(200), "x@y.z", "devs"));
        assertEquals(PolicyError.UNSAFE_SUBJECT_VALUE, assertInstanceOf(Decision.Deny.class, longName).code());
    }

    @Test
    void explanationNamesTheRoleOfEachPart() throws Exception {
        String text = Explanation.of(policy(Tenancy.OPEN).decide(person("okta", "ann", "ann@x.com", "oncall", "devs")));
        assertTrue(text.contains("account:   DEV"), text);
        assertTrue(text.matches("(?s).*pager\\.>\\s+from oncall.*"), text);
        assertTrue(text.matches("(?s).*user\\.okta\\.ann\\.>\\s+from developers.*"), text);
        assertTrue(Explanation.of(policy(Tenancy.OPEN).decide(person("okta", "s", "s@x", "sales"))).startsWith("DENIED (NO_MATCHING_ROLE)"));
    }

    @Test
    void theSameNameAtTwoIdpsIsTwoSubjects() throws Exception {
        var p = policy(Tenancy.OPEN);
        String atDev = Grant.subjects(allowed(p.decide(person("dev", "alice", "alice@example.com", "devs"))).publishAllow()).get(1);
        String atOther = Grant.subjects(allowed(p.decide(person("other", "alice", "alice@other.test", "devs"))).publishAllow()).get(1);
        assertEquals("user.dev.alice.>", atDev);
        assertTrue(!atDev.equals(atOther), atDev + " vs " + atOther);
    }

    @Test
    void aDirectionNoRoleAllowsIsClosedAndExplainSaysSo() throws Exception {
        // operators only subscribe; oncall only publishes (its deny narrows what it allows, nothing more)
        Grant ops = allowed(policy(Tenancy.OPEN).decide(person("okta", "op", "op@x.com", "ops")));
        assertEquals(List.of(), ops.publishAllow());
        String text = Explanation.of(new Decision.Allow(ops));
        assertTrue(text.contains("publish:   nothing: no role of yours allows it"), text);
        assertTrue(text.contains("subscribe allow:"), text);
    }

    /** The page's and the CLI's connect example: subjects the grant allows, never one it denies. */
    @Test
    void connectExamplesAreSubjectsTheGrantAllowsAndNoDenyMatches() throws Exception {
        Policy p = new PolicyLoader(Set.of("DEV"), Tenancy.OPEN).parse("m.yaml", """
                roles:
                  - name: r
                    when: { groups: [g] }
                    account: DEV
                    publish:   { allow: ["_INBOX.>", "dev.*.>", "ops.x"], deny: ["dev.example.>"] }
                    subscribe: { allow: ["_INBOX.>", "svc.*.in"], deny: ["svc.example.in"] }
                  - name: listen
                    when: { groups: [l] }
                    account: DEV
                    subscribe: { allow: ["dev.>"] }
                """);
        Grant g = allowed(p.decide(person("okta", "ann", "ann@x.com", "g")));
        assertEquals(java.util.Optional.of("ops.x"), g.publishExample(), "dev.example.hello is denied, so the next rule");
        assertEquals(java.util.Optional.empty(), g.subscribeExample(), "svc.example.in is denied and _INBOX is no example");
        Grant listen = allowed(p.decide(person("okta", "ann", "ann@x.com", "l")));
        assertEquals(java.util.Optional.of("dev.>"), listen.subscribeExample(), "nothing denied: the pattern itself");
        assertEquals(java.util.Optional.empty(), listen.publishExample(), "publishing is closed");
        assertTrue(Grant.matches("a.*.>", "a.b.c.d") && !Grant.matches("a.*", "a.b.c") && !Grant.matches("a.>", "a"));
    }
}
