package saml2nats.web;

import com.github.benmanes.caffeine.cache.Cache;
import saml2nats.session.AccessToken;
import saml2nats.session.ExpiringCache;
import saml2nats.session.Identity;
import saml2nats.session.IdentityJson;
import saml2nats.session.Slots;
import saml2nats.session.Verifier;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonUtils;
import io.nats.client.support.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.config.Durations;

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
 * in). User codes are single-use, expire, and wrong guesses are limited per person, so
 * guessing someone else's code is hopeless (20^8 codes, 5 tries per 15 minutes each).
 */
final class CliHandoff {
    private static final Logger log = LoggerFactory.getLogger(CliHandoff.class);
    static final Duration LOOPBACK_CODE_LIFE = Duration.ofMinutes(2);
    /** As long as saml2nats login waits for the browser. */
    static final Duration LOOPBACK_REQUEST_LIFE = Duration.ofMinutes(5);
    static final Duration DEVICE_CODE_LIFE = Duration.ofMinutes(10);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    static final int WRONG_GUESSES_PER_SESSION = 5;
    static final Duration GUESS_WINDOW = Duration.ofMinutes(15);
    static final int WRONG_GUESSES_PER_MINUTE = 60;
    /**
     * Device and loopback sign-ins together, per address per {@link #DEVICE_CODE_LIFE}: both can be
     * started without signing in. Enough for an office behind one NAT signing in of a morning.
     */
    static final int STARTS_PER_ADDRESS = 60;
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

    /**
     * One device sign-in, stored under its device code's hash ({@code dc.}); the user code
     * ({@code uc.}) points at it until spent. Changed only by compare-and-set.
     */
    private record Device(Waiting waiting, Instant expires, Approval approval, HandoffError refusal,
                          String confirmedBy, Instant lastPoll) {
        Device with(Approval a, HandoffError r, String by, Instant polled) {
            return new Device(waiting, expires, a, r, by, polled);
        }

        /** Kept past its expiry so a late poll hears "expired", not "unknown". */
        Instant forgotten() {
            return expires.plus(DEVICE_CODE_LIFE);
        }
    }

    private record Guesses(int wrong, Instant until) { }

    private final Clock clock;
    private final SecureRandom random;
    private final Slots slots;
    private final Cache<String, Guesses> guessesByPerson;
    private final AddressLimit startsByAddress;
    private final Object everyoneLock = new Object();
    private Instant everyoneWindow = Instant.EPOCH;
    private int everyoneWrong;

    /**
     * @param slots pending codes: in memory, or in KV so that any replica can finish a
     *              sign-in another one started. Guess and start limits count per replica.
     */
    CliHandoff(Clock clock, SecureRandom random, long maxPending, Slots slots) {
        this.clock = clock;
        this.random = random;
        this.slots = slots;
        this.guessesByPerson = ExpiringCache.create(maxPending, clock, Guesses::until);
        this.startsByAddress = new AddressLimit(STARTS_PER_ADDRESS, DEVICE_CODE_LIFE, maxPending, clock);
    }

    static boolean validChallenge(String challenge) {
        return challenge != null && CHALLENGE.matcher(challenge).matches();
    }


    // ---- loopback ----

    /**
     * A loopback sign-in the CLI started: where its listener is, the state it checks, the
     * challenge its verifier answers, and what the approval page shows (a confirmation code the
     * CLI printed, where it asked from, when). The browser's link names only the request, so a
     * link someone else crafted shows their code and address, not the person's own.
     */
    record LoopbackRequest(int port, String state, String challenge, Waiting waiting, Instant expires) { }

    /** What the CLI gets when it starts a loopback sign-in: the request (secret) and the code to print. */
    record LoopbackStart(String request, String confirmCode, Instant expires) {
        @Override
        public String toString() {
            return "LoopbackStart[confirmCode=" + confirmCode + ", expires=" + expires + "]"; // the request is a secret
        }
    }

    /** Where the browser goes once the person answered: the CLI's listener, its state, and the code when allowed. */
    record LoopbackAnswer(int port, String state, java.util.Optional<String> code) { }

    LoopbackStart startLoopback(int port, String state, String challenge, String requestedFrom) throws Refusal {
        if (!validChallenge(challenge) || port < 1024 || port > 65535 || state == null || state.isEmpty()) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        Instant now = clock.instant();
        String request = secret();
        LoopbackRequest pending = new LoopbackRequest(port, state, challenge, new Waiting(userCode(), requestedFrom, now),
                now.plus(LOOPBACK_REQUEST_LIFE));
        slots.create("lr." + AccessToken.hash(request), encodeLoopbackRequest(pending), pending.expires());
        return new LoopbackStart(request, pending.waiting().userCode(), pending.expires());
    }

    /** The waiting loopback request a link names, for its approval page. */
    LoopbackRequest loopbackRequest(String request) throws Refusal {
        if (request == null || request.isEmpty()) {
            throw new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST);
        }
        return slots.get("lr." + AccessToken.hash(request)).map(slot -> decodeLoopbackRequest(slot.value()))
                .filter(r -> clock.instant().isBefore(r.expires()))
                .orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST));
    }

    /**
     * The person allowed the request: it is spent, and the browser takes a one-time code to the
     * CLI's listener. {@code approval} empty: they cancelled (the request is spent all the same).
     */
    LoopbackAnswer answerLoopback(String request, java.util.Optional<Approval> approval) throws Refusal {
        String key = "lr." + AccessToken.hash(request == null ? "" : request);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST));
        LoopbackRequest pending = decodeLoopbackRequest(slot.value());
        if (!clock.instant().isBefore(pending.expires()) || !slots.remove(key, slot)) {
            throw new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST); // expired, or answered in another tab
        }
        return new LoopbackAnswer(pending.port(), pending.state(),
                approval.map(a -> approveLoopback(a, pending.challenge())));
    }

    /** A one-time code for the CLI's loopback listener, bound to its challenge. */
    private String approveLoopback(Approval approval, String challenge) {
        String code = secret();
        Loopback pending = new Loopback(approval, challenge, clock.instant().plus(LOOPBACK_CODE_LIFE));
        slots.create("lb." + AccessToken.hash(code), encodeLoopback(pending.approval(), pending.challenge(),
                pending.expires()), pending.expires());
        return code;
    }

    /** Trades code + verifier for the approval; the code is gone after the first try. */
    Approval redeemLoopback(String code, String verifier) throws Refusal {
        if (code == null || verifier == null || code.isEmpty() || verifier.length() < 43 || verifier.length() > 128) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        String key = "lb." + AccessToken.hash(code);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.INVALID_GRANT));
        if (!slots.remove(key, slot)) {
            throw new Refusal(HandoffError.INVALID_GRANT); // someone redeemed it first
        }
        Loopback pending = decodeLoopback(slot.value());
        if (!clock.instant().isBefore(pending.expires())) {
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
        String deviceKey = "dc." + AccessToken.hash(deviceCode);
        String userCode;
        do {
            userCode = userCode();
        } while (!slots.create("uc." + userCode, deviceKey.getBytes(StandardCharsets.US_ASCII), expires));
        Device device = new Device(new Waiting(userCode, requestedFrom, now), expires, null, null, "", Instant.EPOCH);
        slots.create(deviceKey, encodeDevice(device), device.forgotten());
        return new DeviceStart(deviceCode, userCode, expires);
    }

    /** The device a user code points at, with the slot it was read from. */
    private record Found(String userKey, Slots.Slot pointer, String deviceKey, Slots.Slot slot, Device device) { }

    private java.util.Optional<Found> byUserCode(String typed) {
        String userKey = "uc." + normalize(typed);
        return slots.get(userKey).flatMap(pointer -> {
            String deviceKey = new String(pointer.value(), StandardCharsets.US_ASCII);
            return slots.get(deviceKey).map(slot -> new Found(userKey, pointer, deviceKey, slot,
                    decodeDevice(slot.value())));
        });
    }

    /**
     * The sign-in waiting for a typed user code. Every try counts against the person
     * (IdP and subject, so signing in again does not reset it) and is taken back only when
     * the code was right: checking and counting are one step, so parallel guesses cannot
     * slip past the limit, and past it even this person's right code waits out the window
     * (their own wrong guesses put them there). Wrong codes also count against everyone:
     * past {@link #WRONG_GUESSES_PER_MINUTE} a guessing campaign is under way, which is
     * logged, but a right code still goes through: a brake that refused those would let a
     * handful of throw-away identities lock every real person out. The code is then bound
     * to this person: only they can approve or refuse it.
     */
    Waiting find(String typed, String guesser) throws Refusal {
        Instant now = clock.instant();
        Guesses g = guessesByPerson.asMap().merge(guesser, new Guesses(1, now.plus(GUESS_WINDOW)),
                (old, one) -> new Guesses(old.wrong() + 1, old.until()));
        if (g.wrong() > WRONG_GUESSES_PER_SESSION) {
            throw new Refusal(HandoffError.TOO_MANY_GUESSES);
        }
        Found f = byUserCode(typed).orElse(null);
        if (f == null || f.device().approval() != null || f.device().refusal() != null || !now.isBefore(f.device().expires())) {
            if (countWrong(now) == WRONG_GUESSES_PER_MINUTE + 1) {
                log.warn("more than {} wrong device codes within a minute, from several people: someone may be guessing "
                        + "codes (each person stays limited to {} per {})", WRONG_GUESSES_PER_MINUTE,
                        WRONG_GUESSES_PER_SESSION, Durations.format(GUESS_WINDOW));
            }
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        guessesByPerson.asMap().computeIfPresent(guesser, (k, old) -> new Guesses(old.wrong() - 1, old.until()));
        Device d = f.device();
        if (!slots.replace(f.deviceKey(), f.slot(), encodeDevice(d.with(null, null, guesser, d.lastPoll())), d.forgotten())) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE); // changed under us: another answer or poll won
        }
        return d.waiting();
    }

    /** The person who found the code approved; the user code is spent. */
    void approve(String userCode, String guesser, Approval approval) throws Refusal {
        decide(userCode, guesser, approval, null);
    }

    /**
     * The person who found the code declined ({@code ACCESS_DENIED}) or may not have a token
     * ({@code NO_ACCESS}); the code is spent.
     */
    void refuse(String userCode, String guesser, HandoffError why) throws Refusal {
        decide(userCode, guesser, null, why);
    }

    /** Only a code this person found through {@link #find} (and its limits) can be answered, once. */
    private void decide(String userCode, String guesser, Approval approval, HandoffError refusal) throws Refusal {
        Found f = byUserCode(userCode).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_USER_CODE));
        Device d = f.device();
        if (!guesser.equals(d.confirmedBy()) || !clock.instant().isBefore(d.expires())
                || !slots.remove(f.userKey(), f.pointer())) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        Device decided = d.with(approval, refusal, d.confirmedBy(), d.lastPoll());
        Slots.Slot slot = f.slot();
        while (!slots.replace(f.deviceKey(), slot, encodeDevice(decided), d.forgotten())) {
            // a poll updated lastPoll meanwhile: the user code is already ours, so apply to the fresh copy
            slot = slots.get(f.deviceKey()).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_USER_CODE));
            Device now = decodeDevice(slot.value());
            decided = now.with(approval, refusal, now.confirmedBy(), now.lastPoll());
        }
    }

    /** The CLI's poll: the approval once (then the device code is spent), or why not yet. */
    Approval poll(String deviceCode) throws Refusal {
        if (deviceCode == null || deviceCode.isEmpty()) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        String key = "dc." + AccessToken.hash(deviceCode);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.INVALID_GRANT));
        Device d = decodeDevice(slot.value());
        Instant now = clock.instant();
        if (d.refusal() != null) {
            slots.remove(key, slot);
            throw new Refusal(d.refusal());
        }
        if (d.approval() != null) {
            if (slots.remove(key, slot)) {
                return d.approval();
            }
            throw new Refusal(HandoffError.INVALID_GRANT); // delivered to a poll that won
        }
        if (!now.isBefore(d.expires())) {
            throw new Refusal(HandoffError.EXPIRED_TOKEN);
        }
        slots.replace(key, slot, encodeDevice(d.with(null, null, d.confirmedBy(), now)), d.forgotten());
        if (Duration.between(d.lastPoll(), now).compareTo(POLL_INTERVAL.minusMillis(500)) < 0) {
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

    /** Counts one more wrong code in the current minute, across everyone, and returns the count. */
    private int countWrong(Instant now) {
        synchronized (everyoneLock) {
            if (!now.isBefore(everyoneWindow.plus(Duration.ofMinutes(1)))) {
                everyoneWindow = now;
                everyoneWrong = 0;
            }
            return ++everyoneWrong;
        }
    }

    /**
     * Device and loopback sign-ins need no sign-in to start, so each address may start only a
     * few at a time; a flood from one address cannot push out everyone else's pending codes.
     */
    void checkStartAllowed(String address) throws Refusal {
        if (!startsByAddress.allow(address)) {
            throw new Refusal(HandoffError.TOO_MANY_STARTS);
        }
    }

    private String secret() {
        return Verifier.mint(random); // the same 256 random bits a verifier has
    }

    // ---- how pending codes are stored (JSON, so a KV bucket holds something a person can read) ----

    private static byte[] encodeLoopback(Approval a, String challenge, Instant expires) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addRawJson(sb, "approval", approvalJson(a));
        JsonUtils.addField(sb, "challenge", challenge);
        JsonUtils.addField(sb, "expires", expires.toEpochMilli());
        return JsonUtils.endJson(sb).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Loopback decodeLoopback(byte[] bytes) {
        JsonValue v = json(bytes);
        return new Loopback(approval(v.map.get("approval")), text(v, "challenge"), instant(v, "expires"));
    }

    private static byte[] encodeLoopbackRequest(LoopbackRequest r) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "port", r.port());
        JsonUtils.addField(sb, "state", r.state());
        JsonUtils.addField(sb, "challenge", r.challenge());
        JsonUtils.addField(sb, "confirm_code", r.waiting().userCode());
        JsonUtils.addField(sb, "from", r.waiting().requestedFrom());
        JsonUtils.addField(sb, "requested", r.waiting().requested().toEpochMilli());
        JsonUtils.addField(sb, "expires", r.expires().toEpochMilli());
        return JsonUtils.endJson(sb).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static LoopbackRequest decodeLoopbackRequest(byte[] bytes) {
        JsonValue v = json(bytes);
        JsonValue port = v.map.get("port");
        return new LoopbackRequest(port == null || port.i == null ? 0 : port.i, text(v, "state"), text(v, "challenge"),
                new Waiting(text(v, "confirm_code"), text(v, "from"), instant(v, "requested")), instant(v, "expires"));
    }

    private static byte[] encodeDevice(Device d) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "user_code", d.waiting().userCode());
        JsonUtils.addField(sb, "from", d.waiting().requestedFrom());
        JsonUtils.addField(sb, "requested", d.waiting().requested().toEpochMilli());
        JsonUtils.addField(sb, "expires", d.expires().toEpochMilli());
        if (d.approval() != null) {
            JsonUtils.addRawJson(sb, "approval", approvalJson(d.approval()));
        }
        if (d.refusal() != null) {
            JsonUtils.addField(sb, "refusal", d.refusal().name());
        }
        JsonUtils.addField(sb, "confirmed_by", d.confirmedBy());
        JsonUtils.addField(sb, "last_poll", d.lastPoll().toEpochMilli());
        return JsonUtils.endJson(sb).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Device decodeDevice(byte[] bytes) {
        JsonValue v = json(bytes);
        JsonValue refusal = v.map.get("refusal");
        return new Device(new Waiting(text(v, "user_code"), text(v, "from"), instant(v, "requested")), instant(v, "expires"),
                v.map.containsKey("approval") ? approval(v.map.get("approval")) : null,
                refusal == null ? null : HandoffError.valueOf(refusal.string), text(v, "confirmed_by"), instant(v, "last_poll"));
    }

    private static String approvalJson(Approval a) {
        StringBuilder sb = JsonUtils.beginJson();
        IdentityJson.write(sb, a.identity());
        JsonUtils.addField(sb, "approving", a.approvingTokenHash());
        JsonUtils.addField(sb, "ends", a.sessionEnds().toEpochMilli());
        return JsonUtils.endJson(sb).toString();
    }

    private static Approval approval(JsonValue v) {
        return new Approval(IdentityJson.read(v), text(v, "approving"), instant(v, "ends"));
    }

    private static JsonValue json(byte[] bytes) {
        try {
            JsonValue v = JsonParser.parse(bytes);
            if (v.map == null) {
                throw new IllegalStateException("a pending CLI sign-in is not a JSON object");
            }
            return v;
        } catch (JsonParseException e) {
            throw new IllegalStateException("a pending CLI sign-in is not readable: " + e.getMessage(), e);
        }
    }

    private static String text(JsonValue v, String key) {
        JsonValue x = v.map.get(key);
        return x == null || x.string == null ? "" : x.string;
    }

    private static Instant instant(JsonValue v, String key) {
        JsonValue x = v.map.get(key);
        return x == null ? Instant.EPOCH : Instant.ofEpochMilli(x.l != null ? x.l : x.i != null ? x.i : 0);
    }
}
