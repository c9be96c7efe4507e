package saml2nats.handoff;

import saml2nats.handoff.CliHandoff.Approval;
import saml2nats.handoff.CliHandoff.DeviceStart;
import saml2nats.handoff.CliHandoff.Refusal;
import saml2nats.handoff.CliHandoff.Waiting;
import saml2nats.session.AccessToken;
import saml2nats.store.Slots;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The device-code hand-off (RFC 8628): start, find by user code, answer, poll. */
final class DeviceCodes {
    /**
     * One device sign-in, stored under its device code's hash ({@code dc.}); the user code
     * ({@code uc.}) points at it until spent. Changed only by compare-and-set.
     */
    record Device(Waiting waiting, Instant expires, Approval approval, HandoffError refusal,
                  String confirmedBy, Instant lastPoll) {
        Device with(Approval a, HandoffError r, String by, Instant polled) {
            return new Device(waiting, expires, a, r, by, polled);
        }

        /** Kept past its expiry so a late poll hears "expired", not "unknown". */
        Instant forgotten() {
            return expires.plus(CliHandoff.DEVICE_CODE_LIFE);
        }
    }

    /** The device a user code points at, with the slot it was read from. */
    private record Found(String userKey, Slots.Slot pointer, String deviceKey, Slots.Slot slot, Device device) { }

    private final Clock clock;
    private final SecureRandom random;
    private final Slots slots;
    private final GuessLimit guesses;

    DeviceCodes(Clock clock, SecureRandom random, Slots slots, GuessLimit guesses) {
        this.clock = clock;
        this.random = random;
        this.slots = slots;
        this.guesses = guesses;
    }

    DeviceStart start(String requestedFrom) {
        Instant now = clock.instant();
        Instant expires = now.plus(CliHandoff.DEVICE_CODE_LIFE);
        String deviceCode = UserCodes.secret(random);
        String deviceKey = "dc." + AccessToken.hash(deviceCode);
        String userCode;
        do {
            userCode = UserCodes.mint(random);
        } while (!slots.create("uc." + userCode, deviceKey.getBytes(StandardCharsets.US_ASCII), expires));
        Device device = new Device(new Waiting(userCode, requestedFrom, now), expires, null, null, "", Instant.EPOCH);
        slots.create(deviceKey, HandoffCodec.encode(device), device.forgotten());
        return new DeviceStart(deviceCode, userCode, expires);
    }

    private Optional<Found> byUserCode(String typed) {
        String userKey = "uc." + UserCodes.normalize(typed);
        return slots.get(userKey).flatMap(pointer -> {
            String deviceKey = new String(pointer.value(), StandardCharsets.US_ASCII);
            return slots.get(deviceKey).map(slot -> new Found(userKey, pointer, deviceKey, slot,
                    HandoffCodec.device(slot.value())));
        });
    }

    /**
     * The sign-in waiting for a typed user code, each try counted by the {@link GuessLimit}. The
     * code is then bound to this person: only they can approve or refuse it.
     */
    Waiting find(String typed, String guesser) throws Refusal {
        Instant now = clock.instant();
        guesses.count(guesser);
        Found f = byUserCode(typed).orElse(null);
        if (f == null || f.device().approval() != null || f.device().refusal() != null || !now.isBefore(f.device().expires())) {
            guesses.wrong();
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        guesses.right(guesser);
        Device d = f.device();
        if (!slots.replace(f.deviceKey(), f.slot(), HandoffCodec.encode(d.with(null, null, guesser, d.lastPoll())),
                d.forgotten())) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE); // changed under us: another answer or poll won
        }
        return d.waiting();
    }

    /**
     * Approves ({@code approval}) or refuses ({@code refusal}). Only a code this person found
     * through {@link #find} (and its limits) can be answered, once.
     */
    void decide(String userCode, String guesser, Approval approval, HandoffError refusal) throws Refusal {
        Found f = byUserCode(userCode).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_USER_CODE));
        Device d = f.device();
        if (!guesser.equals(d.confirmedBy()) || !clock.instant().isBefore(d.expires())
                || !slots.remove(f.userKey(), f.pointer())) {
            throw new Refusal(HandoffError.UNKNOWN_USER_CODE);
        }
        Device decided = d.with(approval, refusal, d.confirmedBy(), d.lastPoll());
        Slots.Slot slot = f.slot();
        while (!slots.replace(f.deviceKey(), slot, HandoffCodec.encode(decided), d.forgotten())) {
            // a poll updated lastPoll meanwhile: the user code is already ours, so apply to the fresh copy
            slot = slots.get(f.deviceKey()).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_USER_CODE));
            Device now = HandoffCodec.device(slot.value());
            decided = now.with(approval, refusal, now.confirmedBy(), now.lastPoll());
        }
    }

    Approval poll(String deviceCode) throws Refusal {
        if (deviceCode == null || deviceCode.isEmpty()) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        String key = "dc." + AccessToken.hash(deviceCode);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.INVALID_GRANT));
        Device d = HandoffCodec.device(slot.value());
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
        slots.replace(key, slot, HandoffCodec.encode(d.with(null, null, d.confirmedBy(), now)), d.forgotten());
        if (Duration.between(d.lastPoll(), now).compareTo(CliHandoff.POLL_INTERVAL.minusMillis(500)) < 0) {
            throw new Refusal(HandoffError.SLOW_DOWN);
        }
        throw new Refusal(HandoffError.AUTHORIZATION_PENDING);
    }
}
