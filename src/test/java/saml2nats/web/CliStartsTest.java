package saml2nats.web;

import org.junit.jupiter.api.Test;
import saml2nats.handoff.CliHandoff;
import saml2nats.handoff.HandoffError;
import saml2nats.testing.MutableClock;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-address limit on CLI sign-in starts (moved here from CliHandoffTest with the limit itself). */
class CliStartsTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final CliStarts handoff = new CliStarts(10_000, clock);

    static HandoffError refusal(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(CliHandoff.Refusal.class, e).error();
    }

    @Test
    void deviceStartsAreLimitedPerAddress() throws Exception {
        for (int i = 0; i < CliStarts.STARTS_PER_ADDRESS; i++) {
            handoff.checkStartAllowed("203.0.113.9");
        }
        assertEquals(HandoffError.TOO_MANY_STARTS, refusal(() -> handoff.checkStartAllowed("203.0.113.9")));
        handoff.checkStartAllowed("198.51.100.1");
        clock.advance(CliHandoff.DEVICE_CODE_LIFE);
        handoff.checkStartAllowed("203.0.113.9");
    }
}
