package saml2nats.handoff;

import saml2nats.session.Identity;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How a signed-in browser hands a session to {@code saml2nats login} without the
 * token ever passing through the browser. Pure: no HTTP, time from the clock.
 *
 * <p>Loopback: the browser approves and is sent to the CLI's 127.0.0.1 listener with a
 * one-time code; the CLI trades code + verifier for a token. The code is bound to the
 * SHA-256 of a verifier only the CLI holds (PKCE S256), and the first redemption
 * attempt consumes it, right or wrong, so an intercepted code is worth nothing
 * ({@link LoopbackCodes}).
 *
 * <p>Device: the CLI asks for a long device code (kept secret, used to poll) and a
 * short user code (shown to the person, typed into a browser where they are signed
 * in). User codes are single-use, expire, and wrong guesses are limited per person, so
 * guessing someone else's code is hopeless (20^8 codes, 5 tries per 15 minutes each)
 * ({@link DeviceCodes}, {@link GuessLimit}).
 *
 * <p>Pending codes are kept as JSON ({@link HandoffCodec}) in {@link Slots}. This class is the
 * whole public face: the web front calls it and never sees how the codes are kept.
 */
public final class CliHandoff {
    static final Duration LOOPBACK_CODE_LIFE = Duration.ofMinutes(2);
    /** As long as saml2nats login waits for the browser. */
    public static final Duration LOOPBACK_REQUEST_LIFE = Duration.ofMinutes(5);
    public static final Duration DEVICE_CODE_LIFE = Duration.ofMinutes(10);
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    /** Where pending codes are kept: the longest lives {@link #DEVICE_CODE_LIFE}; each entry carries its own end. */
    public static final Bucket BUCKET = new Bucket("cli", Duration.ofMinutes(30));
    static final int WRONG_GUESSES_PER_SESSION = GuessLimit.WRONG_GUESSES_PER_SESSION;
    static final Duration GUESS_WINDOW = GuessLimit.GUESS_WINDOW;
    static final int WRONG_GUESSES_PER_MINUTE = GuessLimit.WRONG_GUESSES_PER_MINUTE;

    /**
     * Who approved, from which session (its token hash: the CLI gets a token only while
     * that session lives, so a sign-out or an admin's end also voids pending approvals),
     * and when the session the CLI gets must end (never later than the browser's).
     */
    public record Approval(Identity identity, String approvingTokenHash, Instant sessionEnds) { }

    /** A refused step, with the reason the caller shows or sends. */
    public static final class Refusal extends Exception {
        private final HandoffError error;

        public Refusal(HandoffError error) {
            super(error.wire(), null, false, false);
            this.error = error;
        }

        public HandoffError error() {
            return error;
        }
    }

    /** What the CLI gets when it starts a device sign-in. */
    public record DeviceStart(String deviceCode, String userCode, Instant expires) {
        @Override
        public String toString() {
            return "DeviceStart[userCode=" + userCode + ", expires=" + expires + "]"; // the device code is a secret
        }
    }

    /** A device sign-in as the approving person sees it: which code, asked from where, when. */
    public record Waiting(String userCode, String requestedFrom, Instant requested) { }

    /**
     * A loopback sign-in the CLI started: where its listener is, the state it checks, the
     * challenge its verifier answers, and what the approval page shows (a confirmation code the
     * CLI printed, where it asked from, when). The browser's link names only the request, so a
     * link someone else crafted shows their code and address, not the person's own.
     */
    public record LoopbackRequest(int port, String state, String challenge, Waiting waiting, Instant expires) { }

    /** What the CLI gets when it starts a loopback sign-in: the request (secret) and the code to print. */
    public record LoopbackStart(String request, String confirmCode, Instant expires) {
        @Override
        public String toString() {
            return "LoopbackStart[confirmCode=" + confirmCode + ", expires=" + expires + "]"; // the request is a secret
        }
    }

    /** Where the browser goes once the person answered: the CLI's listener, its state, and the code when allowed. */
    public record LoopbackAnswer(int port, String state, Optional<String> code) { }

    private final LoopbackCodes loopback;
    private final DeviceCodes devices;

    /**
     * @param slots pending codes: in memory, or in KV so that any replica can finish a
     *              sign-in another one started. Guess limits count per replica.
     */
    public CliHandoff(Clock clock, SecureRandom random, long maxPending, Slots slots) {
        this.loopback = new LoopbackCodes(clock, random, slots);
        this.devices = new DeviceCodes(clock, random, slots, new GuessLimit(clock, maxPending));
    }

    // ---- loopback ----

    public LoopbackStart startLoopback(int port, String state, String challenge, String requestedFrom) throws Refusal {
        return loopback.start(port, state, challenge, requestedFrom);
    }

    /** The waiting loopback request a link names, for its approval page. */
    public LoopbackRequest loopbackRequest(String request) throws Refusal {
        return loopback.request(request);
    }

    /**
     * The person allowed the request: it is spent, and the browser takes a one-time code to the
     * CLI's listener. {@code approval} empty: they cancelled (the request is spent all the same).
     */
    public LoopbackAnswer answerLoopback(String request, Optional<Approval> approval) throws Refusal {
        return loopback.answer(request, approval);
    }

    /** Trades code + verifier for the approval; the code is gone after the first try. */
    public Approval redeemLoopback(String code, String verifier) throws Refusal {
        return loopback.redeem(code, verifier);
    }

    // ---- device ----

    public DeviceStart startDevice(String requestedFrom) {
        return devices.start(requestedFrom);
    }

    /** The sign-in waiting for a typed user code, counted against the guesser ({@link DeviceCodes#find}). */
    public Waiting find(String typed, String guesser) throws Refusal {
        return devices.find(typed, guesser);
    }

    /** The person who found the code approved; the user code is spent. */
    public void approve(String userCode, String guesser, Approval approval) throws Refusal {
        devices.decide(userCode, guesser, approval, null);
    }

    /**
     * The person who found the code declined ({@code ACCESS_DENIED}) or may not have a token
     * ({@code NO_ACCESS}); the code is spent.
     */
    public void refuse(String userCode, String guesser, HandoffError why) throws Refusal {
        devices.decide(userCode, guesser, null, why);
    }

    /** The CLI's poll: the approval once (then the device code is spent), or why not yet. */
    public Approval poll(String deviceCode) throws Refusal {
        return devices.poll(deviceCode);
    }

    /** Upper case, letters only: "bcdf ghjk", "BCDF-GHJK" and "bcdfghjk" are one code. */
    public static String normalize(String typed) {
        return UserCodes.normalize(typed);
    }
}
