package saml2nats.web;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.AccessToken;
import saml2nats.session.ExpiringCache;
import saml2nats.session.Identity;
import saml2nats.session.Verifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a signed-in browser hands a session to {@code saml2nats login} without the
 * token ever passing through the browser. Pure: no HTTP, time from the clock.
 *
 * <p>Loopback: the browser approves and is sent to the CLI's 127.0.0.1 listener with a
 * one-time code; the CLI trades code + verifier for a token. The code is bound to the
 * SHA-256 of a verifier only the CLI holds (PKCE S256), and the first redemption
 * attempt consumes it, right or wrong, so an intercepted code is worth nothing.
 *
 * <p>Device: the CLI asks for a long device code (kept secret, used to poll) and a
 * short user code (shown to the person, typed into a browser where they are signed
 * in). User codes are single-use, expire, and wrong guesses are limited per browser
 * session and across everyone, so guessing someone else's code is hopeless.
 */
final class CliHandoff {
    static final Duration LOOPBACK_CODE_LIFE = Duration.ofMinutes(2);
    static final Duration DEVICE_CODE_LIFE = Duration.ofMinutes(10);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    static final int WRONG_GUESSES_PER_SESSION = 5;
    static final Duration GUESS_WINDOW = Duration.ofMinutes(15);
    static final int WRONG_GUESSES_PER_MINUTE = 60;
    static final int DEVICE_STARTS_PER_ADDRESS = 20;
    /** No vowels (no words), no look-alikes: 20^8 = 2.6e10 codes. */
    private static final String USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ";
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /**
     * Who approved, from which session (its token hash: the CLI gets a token only while
     * that session lives, so a sign-out or an admin's end also voids pending approvals),
     * and when the session the CLI gets must end (never later than the browser's).
     */
    record Approval(Identity identity, String approvingTokenHash, Instant sessionEnds) { }

    /** A refused step, with the reason the caller shows or sends. */
    static final class Refusal extends Exception {
        final HandoffError error;

        Refusal(HandoffError error) {
            super(error.wire, null, false, false);
            this.error = error;
        }
    }

    /** What the CLI gets when it starts a device sign-in. */
    record DeviceStart(String deviceCode, String userCode, Instant expires) {
        @Override
        public String toString() {
            return "DeviceStart[userCode=" + userCode + ", expires=" + expires + "]"; // the device code is a secret
        }
    }

    /** A device sign-in as the approving person sees it: which code, asked from where, when. */
    record Waiting(String userCode, String requestedFrom, Instant requested) { }

    private record Loopback(Approval approval, String challenge, Instant expires) { }

    /** One device sign-in; the decision is set once by the person, read by the poller. */
    private static final class Device {
        final String deviceCodeHash;
        final Waiting waiting;
        final Instant expires;
        volatile Approval approval;
        volatile HandoffError refusal;
        volatile String confirmedBy = "";
        volatile Instant lastPoll = Instant.EPOCH;

        Device(String deviceCodeHash, Waiting waiting, Instant expires) {
            this.deviceCodeHash = deviceCodeHash;
            this.waiting = waiting;
            this.expires = expires;
        }

        /** Kept past its expiry so a late poll hears "expired", not "unknown". */
        Instant forgotten() {
            return expires.plus(DEVICE_CODE_LIFE);
        }
    }

    private record Guesses(int wrong, Instant until) { }

    private final Clock clock;
    private final SecureRandom random;
    private final Cache<String, Loopback> loopbacks;
    private final Cache<String, Device> devicesByCodeHash;
    private final Cache<String, Device> devicesByUserCode;
    private final Cache<String, Guesses> guessesByPerson;
    private final Cache<String, Guesses> startsByAddress;
    private final Object everyoneLock = new Object();
    private Instant everyoneWindow = Instant.EPOCH;
    private int everyoneWrong;

    CliHandoff(Clock clock, SecureRandom random, long maxPending) {
        this.clock = clock;
        this.random = random;
        this.loopbacks = ExpiringCache.create(maxPending, clock, Loopback::expires);
        this.devicesByCodeHash = ExpiringCache.create(maxPending, clock, Device::forgotten);
        this.devicesByUserCode = ExpiringCache.create(maxPending, clock, d -> d.expires);
        this.guessesByPerson = ExpiringCache.create(maxPending, clock, Guesses::until);
        this.startsByAddress = ExpiringCache.create(maxPending, clock, Guesses::until);
    }

    static boolean validChallenge(String challenge) {
        return challenge != null && CHALLENGE.matcher(challenge).matches();
    }


    // ---- loopback ----

    /** A one-time code for the CLI's loopback listener, bound to its challenge. */
    String approveLoopback(Approval approval, String challenge) throws Refusal {
        if (!validChallenge(challenge)) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        String code = secret();
        loopbacks.put(AccessToken.hash(code), new Loopback(approval, challenge,
                clock.instant().plus(LOOPBACK_CODE_LIFE)));
        return code;
    }

    /** Trades code + verifier for the approval; the code is gone after the first try. */
    Approval redeemLoopback(String code, String verifier) throws Refusal {
        if (code == null || verifier == null || code.isEmpty() || verifier.length() < 43 || verifier.length() > 128) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        Loopback pending = loopbacks.asMap().remove(AccessToken.hash(code));
        if (pending == null || !clock.instant().isBefore(pending.expires())) {
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        if (!MessageDigest.isEqual(pending.challenge().getBytes(StandardCharsets.US_ASCII),
                Verifier.challenge(verifier).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        return pending.approval();
    }

    // ---- device ----

    DeviceStart startDevice(String requestedFrom) {
        Instant now = clock.instant();
        Instant expires = now.plus(DEVICE_CODE_LIFE);
        String deviceCode = secret();
        String userCode;
        Device device;
        do {
            userCode = userCode();
            device = new Device(AccessToken.hash(deviceCode), new Waiting(userCode, requestedFrom, now), expires);
        } while (devicesByUserCode.asMap().putIfAbsent(userCode, device) != null);
        devicesByCodeHash.put(device.deviceCodeHash, device);
        return new DeviceStart(deviceCode, userCode, expires);
    }

    /**
     * The sign-in waiting for a typed user code. Every try counts against the person
     * (IdP and subject, so signing in again does not reset it) and against everyone,
     * and is taken back only when the code was right: checking and counting are one
     * step, so parallel guesses cannot slip past the limit. The code is then bound to
     * this person: only they can approve or refuse it.
     */
    Waiting find(String typed, String guesser) throws Refusal {
        Instant now = clock.instant();
        Guesses g = guessesByPerson.asMap().merge(guesser, new Guesses(1, now.plus(GUESS_WINDOW)),
                (old, one) -> new Guesses(old.wrong() + 1, old.until()));
        boolean everyoneOver = countEveryone(now, 1) > WRONG_GUESSES_PER_MINUTE;
        if (g.wrong() > WRONG_GUESSES_PER_SESSION || everyoneOver) {
            throw new Refusal(HandoffError.TOO_MANY_GUESSES);
        }
        Device d = devicesByUserCode.getIfPresent(normalize(typed));
        if (d == null || d.approval != null || d.refusal != null || !now.isBefore(d.expires)) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        guessesByPerson.asMap().computeIfPresent(guesser, (k, old) -> new Guesses(old.wrong() - 1, old.until()));
        countEveryone(now, -1);
        d.confirmedBy = guesser;
        return d.waiting;
    }

    /** The person who found the code approved; the user code is spent. */
    void approve(String userCode, String guesser, Approval approval) throws Refusal {
        spend(userCode, guesser).approval = approval;
    }

    /**
     * The person who found the code declined ({@code ACCESS_DENIED}) or may not have a token
     * ({@code NO_ACCESS}); the code is spent.
     */
    void refuse(String userCode, String guesser, HandoffError why) throws Refusal {
        spend(userCode, guesser).refusal = why;
    }

    /** Only a code this person found through {@link #find} (and its limits) can be answered. */
    private Device spend(String userCode, String guesser) throws Refusal {
        Device d = devicesByUserCode.getIfPresent(normalize(userCode));
        if (d == null || !guesser.equals(d.confirmedBy) || !clock.instant().isBefore(d.expires)
                || !devicesByUserCode.asMap().remove(normalize(userCode), d)) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        return d;
    }

    /** The CLI's poll: the approval once (then the device code is spent), or why not yet. */
    Approval poll(String deviceCode) throws Refusal {
        if (deviceCode == null || deviceCode.isEmpty()) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        Device d = devicesByCodeHash.getIfPresent(AccessToken.hash(deviceCode));
        if (d == null) {
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        Instant now = clock.instant();
        if (d.refusal != null) {
            devicesByCodeHash.invalidate(d.deviceCodeHash);
            throw new Refusal(d.refusal);
        }
        if (d.approval != null) {
            if (devicesByCodeHash.asMap().remove(d.deviceCodeHash, d)) {
                return d.approval;
            }
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        if (!now.isBefore(d.expires)) {
            throw new Refusal(HandoffError.EXPIRED_TOKEN);
        }
        Instant last = d.lastPoll;
        d.lastPoll = now;
        if (Duration.between(last, now).compareTo(POLL_INTERVAL.minusMillis(500)) < 0) {
            throw new Refusal(HandoffError.SLOW_DOWN);
        }
        throw new Refusal(HandoffError.AUTHORIZATION_PENDING);
    }

    /** Upper case, letters only: "bcdf ghjk", "BCDF-GHJK" and "bcdfghjk" are one code. */
    static String normalize(String typed) {
        if (typed == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(9);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c >= 'A' && c <= 'Z') {
                if (b.length() == 4) {
                    b.append('-');
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    private String userCode() {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(USER_CODE_LETTERS.charAt(random.nextInt(USER_CODE_LETTERS.length())));
        }
        return b.toString();
    }

    /** Adds {@code delta} to everyone's tries in the current minute and returns the new count. */
    private int countEveryone(Instant now, int delta) {
        synchronized (everyoneLock) {
            if (!now.isBefore(everyoneWindow.plus(Duration.ofMinutes(1)))) {
                everyoneWindow = now;
                everyoneWrong = 0;
            }
            everyoneWrong = Math.max(0, everyoneWrong + delta);
            return everyoneWrong;
        }
    }

    /**
     * Device sign-ins need no sign-in to start, so each address may start only a few at
     * a time; a flood from one address cannot push out everyone else's pending codes.
     */
    void checkStartAllowed(String address) throws Refusal {
        Instant now = clock.instant();
        Guesses n = startsByAddress.asMap().merge(address, new Guesses(1, now.plus(DEVICE_CODE_LIFE)),
                (old, one) -> new Guesses(old.wrong() + 1, old.until()));
        if (n.wrong() > DEVICE_STARTS_PER_ADDRESS) {
            throw new Refusal(HandoffError.TOO_MANY_STARTS);
        }
    }

    private String secret() {
        return Verifier.mint(random); // the same 256 random bits a verifier has
    }
}
