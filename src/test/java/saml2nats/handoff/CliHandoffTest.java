package saml2nats.handoff;

import org.junit.jupiter.api.Test;
import saml2nats.session.Identity;
import saml2nats.testing.MutableClock;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI hand-off rules, on a clock moved by hand: no server, no HTTP. */
class CliHandoffTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String VERIFIER = "v".repeat(20) + "erifier-that-is-long-enough-0123";
    final MutableClock clock = new MutableClock(T0);
    final CliHandoff handoff = new CliHandoff(clock, new SecureRandom(), 10_000, new saml2nats.store.StateBackend.Embedded(10_000, clock).slots(CliHandoff.BUCKET));
    final CliHandoff.Approval alice = new CliHandoff.Approval(
            new Identity("kc", "alice", "alice@example.com", "alice", "Alice", List.of("eng-developers")), "hash-of-alice",
            T0.plusSeconds(3600));

    static HandoffError refusal(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(CliHandoff.Refusal.class, e).error();
    }

    /** What the browser gets when alice allows a loopback request the CLI started with {@code verifier}'s challenge. */
    String allowedCode(String verifier) throws Exception {
        CliHandoff.LoopbackStart start = handoff.startLoopback(40000, "state-of-the-cli-0123", 
                saml2nats.session.Verifier.challenge(verifier), "address 203.0.113.9");
        return handoff.answerLoopback(start.request(), java.util.Optional.of(alice)).code().orElseThrow();
    }

    @Test
    void loopbackCodeTradesOnceForTheApprovalWithTheRightVerifier() throws Exception {
        String code = allowedCode(VERIFIER);
        assertEquals(alice, handoff.redeemLoopback(code, VERIFIER));
        assertEquals(HandoffError.INVALID_GRANT, refusal(() -> handoff.redeemLoopback(code, VERIFIER)), "single use");
    }

    @Test
    void anInterceptedCodeIsUselessWithoutTheVerifierAndIsBurntByTheTry() throws Exception {
        String code = allowedCode(VERIFIER);
        String other = "x".repeat(43);
        assertEquals(HandoffError.INVALID_GRANT, refusal(() -> handoff.redeemLoopback(code, other)));
        assertEquals(HandoffError.INVALID_GRANT, refusal(() -> handoff.redeemLoopback(code, VERIFIER)),
                "after a wrong verifier even the real CLI cannot use it: the attacker cannot race it");
    }

    @Test
    void loopbackCodesExpireInMinutesAndMalformedInputIsRefused() throws Exception {
        String code = allowedCode(VERIFIER);
        clock.advance(CliHandoff.LOOPBACK_CODE_LIFE);
        assertEquals(HandoffError.INVALID_GRANT, refusal(() -> handoff.redeemLoopback(code, VERIFIER)));
        assertEquals(HandoffError.INVALID_REQUEST, refusal(() -> handoff.startLoopback(40000, "state", "plain-text-challenge", "")));
        assertEquals(HandoffError.INVALID_REQUEST, refusal(() -> handoff.startLoopback(22, "state",
                saml2nats.session.Verifier.challenge(VERIFIER), "")));
        assertEquals(HandoffError.INVALID_REQUEST, refusal(() -> handoff.redeemLoopback(code, "short")));
        assertEquals(HandoffError.INVALID_REQUEST, refusal(() -> handoff.redeemLoopback(null, VERIFIER)));
    }

    @Test
    void aLoopbackRequestShowsWhatAskedAndIsAnsweredOnceBeforeItExpires() throws Exception {
        CliHandoff.LoopbackStart start = handoff.startLoopback(40000, "state-of-the-cli-0123",
                saml2nats.session.Verifier.challenge(VERIFIER), "address 203.0.113.9, calls itself laptop");
        CliHandoff.LoopbackRequest shown = handoff.loopbackRequest(start.request());
        assertEquals(start.confirmCode(), shown.waiting().userCode());
        assertEquals("address 203.0.113.9, calls itself laptop", shown.waiting().requestedFrom());
        CliHandoff.LoopbackAnswer cancelled = handoff.answerLoopback(start.request(), java.util.Optional.empty());
        assertEquals(40000, cancelled.port());
        assertTrue(cancelled.code().isEmpty(), "cancelled: no code");
        assertEquals(HandoffError.UNKNOWN_LOOPBACK_REQUEST, refusal(() -> handoff.answerLoopback(start.request(),
                java.util.Optional.of(alice))), "spent by the first answer");
        assertEquals(HandoffError.UNKNOWN_LOOPBACK_REQUEST, refusal(() -> handoff.loopbackRequest("made-up")));
        CliHandoff.LoopbackStart late = handoff.startLoopback(40000, "s", saml2nats.session.Verifier.challenge(VERIFIER), "");
        clock.advance(CliHandoff.LOOPBACK_REQUEST_LIFE);
        assertEquals(HandoffError.UNKNOWN_LOOPBACK_REQUEST, refusal(() -> handoff.loopbackRequest(late.request())));
    }

    @Test
    void deviceFlowPendsThenDeliversTheApprovalExactlyOnce() throws Exception {
        CliHandoff.DeviceStart start = handoff.startDevice("laptop, address 10.0.0.5");
        assertTrue(start.userCode().matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"), start.userCode());
        assertFalse(start.toString().contains(start.deviceCode()), "the device code is a secret");
        assertEquals(HandoffError.AUTHORIZATION_PENDING, refusal(() -> handoff.poll(start.deviceCode())));
        clock.advance(CliHandoff.POLL_INTERVAL);

        String typed = start.userCode().toLowerCase().replace("-", " ");
        CliHandoff.Waiting waiting = handoff.find(typed, "session-1");
        assertEquals("laptop, address 10.0.0.5", waiting.requestedFrom());
        handoff.approve(typed, "session-1", alice);
        assertEquals(alice, handoff.poll(start.deviceCode()));
        assertEquals(HandoffError.INVALID_GRANT, refusal(() -> handoff.poll(start.deviceCode())), "delivered once");
        assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.find(start.userCode(), "session-1")),
                "the user code is spent");
    }

    @Test
    void pollingFasterThanTheIntervalIsToldToSlowDown() throws Exception {
        CliHandoff.DeviceStart start = handoff.startDevice("");
        assertEquals(HandoffError.AUTHORIZATION_PENDING, refusal(() -> handoff.poll(start.deviceCode())));
        clock.advance(Duration.ofMillis(300));
        assertEquals(HandoffError.SLOW_DOWN, refusal(() -> handoff.poll(start.deviceCode())));
        clock.advance(CliHandoff.POLL_INTERVAL);
        assertEquals(HandoffError.AUTHORIZATION_PENDING, refusal(() -> handoff.poll(start.deviceCode())));
    }

    @Test
    void declinedAndNoAccessReachThePollerAndExpiryIsReported() throws Exception {
        CliHandoff.DeviceStart declined = handoff.startDevice("");
        handoff.find(declined.userCode(), "alice");
        handoff.refuse(declined.userCode(), "alice", HandoffError.ACCESS_DENIED);
        assertEquals(HandoffError.ACCESS_DENIED, refusal(() -> handoff.poll(declined.deviceCode())));

        CliHandoff.DeviceStart late = handoff.startDevice("");
        clock.advance(CliHandoff.DEVICE_CODE_LIFE);
        assertEquals(HandoffError.EXPIRED_TOKEN, refusal(() -> handoff.poll(late.deviceCode())));
        assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.find(late.userCode(), "s")));
        assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.approve(late.userCode(), "s", alice)));
    }

    @Test
    void wrongGuessesAreLimitedPerSessionEvenForTheRightCodeAfterwards() throws Exception {
        CliHandoff.DeviceStart start = handoff.startDevice("");
        for (int i = 0; i < CliHandoff.WRONG_GUESSES_PER_SESSION; i++) {
            assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.find("ZZZZ-ZZZZ", "mallory")));
        }
        assertEquals(HandoffError.TOO_MANY_GUESSES, refusal(() -> handoff.find(start.userCode(), "mallory")));
        assertEquals(start.userCode(), handoff.find(start.userCode(), "alice").userCode(), "others are not locked out");
        clock.advance(CliHandoff.GUESS_WINDOW);
        CliHandoff.DeviceStart later = handoff.startDevice("");
        assertEquals(later.userCode(), handoff.find(later.userCode(), "mallory").userCode(), "the window passes");
    }

    @Test
    void onlyThePersonWhoFoundACodeThroughTheLimitsCanAnswerIt() throws Exception {
        CliHandoff.DeviceStart start = handoff.startDevice("");
        assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.approve(start.userCode(), "mallory", alice)),
                "answering a guessed code straight away, past find() and its limits, is refused");
        handoff.find(start.userCode(), "alice");
        assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.refuse(start.userCode(), "mallory",
                HandoffError.ACCESS_DENIED)), "nor can another person cancel it");
        handoff.approve(start.userCode(), "alice", alice);
        assertEquals(alice, handoff.poll(start.deviceCode()));
    }

    @Test
    void parallelGuessesCannotSlipPastTheLimit() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.atomic.AtomicInteger unknown = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(pool.submit(() -> {
                try {
                    handoff.find("ZZZZ-ZZZZ", "mallory");
                } catch (CliHandoff.Refusal r) {
                    if (r.error() == HandoffError.UNKNOWN_USER_CODE) {
                        unknown.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (var f : all) {
            f.get();
        }
        pool.shutdown();
        assertEquals(CliHandoff.WRONG_GUESSES_PER_SESSION, unknown.get(), "exactly the allowed number of codes were tried");
    }

    @Test
    void throwAwayIdentitiesGuessingCannotLockARealPersonOut() throws Exception {
        // 26 identities, each using its own five wrong guesses: twice the count across everyone
        for (int i = 0; i < 2 * CliHandoff.WRONG_GUESSES_PER_MINUTE + 10; i++) {
            String who = "bot-" + i / CliHandoff.WRONG_GUESSES_PER_SESSION;
            assertEquals(HandoffError.UNKNOWN_USER_CODE, refusal(() -> handoff.find("ZZZZ-ZZZZ", who)));
        }
        CliHandoff.DeviceStart start = handoff.startDevice("");
        assertEquals(start.userCode(), handoff.find(start.userCode(), "alice").userCode(), "the right code goes through");
        assertEquals(HandoffError.TOO_MANY_GUESSES, refusal(() -> handoff.find("ZZZZ-ZZZZ", "bot-0")),
                "each identity stays held to its own limit");
    }

    @Test
    void userCodesAreDistinctAndNormalizationIsForgiving() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            assertTrue(seen.add(handoff.startDevice("").userCode()));
        }
        assertEquals("BCDF-GHJK", CliHandoff.normalize(" bcdf ghjk "));
        assertEquals("BCDF-GHJK", CliHandoff.normalize("BCDFGHJK"));
        assertEquals("", CliHandoff.normalize(null));
    }
}
