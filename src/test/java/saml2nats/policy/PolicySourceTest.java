package saml2nats.policy;

import saml2nats.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicySourceTest {
    static final String GOOD = """
            roles:
              - name: dev
                when: { groups: [g] }
                account: DEV
                publish: { allow: ["a.>"] }
            """;

    @Test
    void aBadEditKeepsTheLastGoodPolicyAndAGoodOneReplacesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mapping.yaml");
        Files.writeString(file, GOOD);
        List<Boolean> reloads = new ArrayList<>();
        List<Finding> reported = new ArrayList<>();
        try (PolicySource source = PolicySource.open(file, new PolicyLoader(Set.of("DEV"), Tenancy.OPEN),
                (ok, findings) -> { reloads.add(ok); reported.addAll(findings); })) {
            Policy first = source.current();
            assertFalse(source.checkNow(), "unchanged bytes are not reloaded");

            Files.writeString(file, GOOD.replace("account: DEV", "account: NOPE"));
            assertFalse(source.checkNow());
            assertTrue(source.current() == first, "the last good policy stays in force");
            assertEquals(List.of(false), reloads);
            assertEquals(PolicyError.UNKNOWN_ACCOUNT, reported.get(0).code());
            assertEquals(4, reported.get(0).line());

            Files.writeString(file, GOOD.replace("a.>", "b.>"));
            assertTrue(source.checkNow());
            assertEquals(List.of(false, true), reloads);
            assertEquals("b.>", source.current().roles().get(0).publish().allow().get(0).text());
        }
    }

    @Test
    void theWatcherPicksUpAnEditOnItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mapping.yaml");
        Files.writeString(file, GOOD);
        try (PolicySource source = PolicySource.open(file, new PolicyLoader(Set.of("DEV"), Tenancy.OPEN), (ok, f) -> { })
                .watch(java.time.Duration.ofMillis(50))) {
            Files.writeString(file, GOOD.replace("a.>", "c.>"));
            Eventually.holds(java.time.Duration.ofSeconds(5),
                    () -> !source.current().roles().get(0).publish().allow().get(0).text().equals("a.>"));
            assertEquals("c.>", source.current().roles().get(0).publish().allow().get(0).text());
        }
    }

    @Test
    void aServiceDoesNotStartOnABadFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mapping.yaml");
        Files.writeString(file, "roles: nope");
        assertThrows(PolicyException.class, () -> PolicySource.open(file, new PolicyLoader(Set.of("DEV"), Tenancy.OPEN), (ok, f) -> { }));
    }
}
