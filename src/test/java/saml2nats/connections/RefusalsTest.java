package saml2nats.connections;

import org.junit.jupiter.api.Test;
import saml2nats.store.StateBackend;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static saml2nats.testing.People.ALICE;
import static saml2nats.testing.People.BOB;

/** A person's refusal list without a server: newest first, the last five, one list per person. */
class RefusalsTest {
    final Clock clock = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
    final Refusals refusals = new Refusals(new StateBackend.Embedded(100, clock).slots(Refusals.BUCKET), clock);

    @Test
    void theLastFiveAreKeptNewestFirstForThatPersonOnly() {
        String key = Refusals.key(ALICE);
        for (int i = 1; i <= 7; i++) {
            refusals.keep(key, new Refusals.Refusal(clock.instant().plusSeconds(i), "CODE_" + i, "reason " + i));
        }
        List<Refusals.Refusal> kept = refusals.of(ALICE);
        assertEquals(List.of("CODE_7", "CODE_6", "CODE_5", "CODE_4", "CODE_3"), kept.stream().map(Refusals.Refusal::code).toList());
        assertEquals("reason 7", kept.get(0).words());
        assertEquals(List.of(), refusals.of(BOB), "bob's list is his own");
        assertNotEquals(Refusals.key(ALICE), Refusals.key(BOB));
        assertEquals(List.of(), Refusals.decode("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "an unreadable list starts afresh");
    }
}
