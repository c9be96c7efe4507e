package saml2nats.handoff;

import saml2nats.handoff.CliHandoff.Approval;
import saml2nats.handoff.CliHandoff.LoopbackAnswer;
import saml2nats.handoff.CliHandoff.LoopbackRequest;
import saml2nats.handoff.CliHandoff.LoopbackStart;
import saml2nats.handoff.CliHandoff.Refusal;
import saml2nats.handoff.CliHandoff.Waiting;
import saml2nats.session.AccessToken;
import saml2nats.store.Slots;
import saml2nats.session.Verifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The loopback hand-off: the CLI registers a request ({@code lr.}), the browser answers it, and
 * an allowed answer leaves a one-time code ({@code lb.}) bound to the CLI's PKCE challenge.
 */
final class LoopbackCodes {
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** An approved loopback sign-in, waiting for the CLI to redeem its code. */
    record Loopback(Approval approval, String challenge, Instant expires) { }

    private final Clock clock;
    private final SecureRandom random;
    private final Slots slots;

    LoopbackCodes(Clock clock, SecureRandom random, Slots slots) {
        this.clock = clock;
        this.random = random;
        this.slots = slots;
    }

    static boolean validChallenge(String challenge) {
        return challenge != null && CHALLENGE.matcher(challenge).matches();
    }

    LoopbackStart start(int port, String state, String challenge, String requestedFrom) throws Refusal {
        if (!validChallenge(challenge) || port < 1024 || port > 65535 || state == null || state.isEmpty()) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        Instant now = clock.instant();
        String request = UserCodes.secret(random);
        LoopbackRequest pending = new LoopbackRequest(port, state, challenge,
                new Waiting(UserCodes.mint(random), requestedFrom, now), now.plus(CliHandoff.LOOPBACK_REQUEST_LIFE));
        slots.create("lr." + AccessToken.hash(request), HandoffCodec.encode(pending), pending.expires());
        return new LoopbackStart(request, pending.waiting().userCode(), pending.expires());
    }

    LoopbackRequest request(String request) throws Refusal {
        if (request == null || request.isEmpty()) {
            throw new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST);
        }
        return slots.get("lr." + AccessToken.hash(request)).map(slot -> HandoffCodec.loopbackRequest(slot.value()))
                .filter(r -> clock.instant().isBefore(r.expires()))
                .orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST));
    }

    LoopbackAnswer answer(String request, Optional<Approval> approval) throws Refusal {
        String key = "lr." + AccessToken.hash(request == null ? "" : request);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST));
        LoopbackRequest pending = HandoffCodec.loopbackRequest(slot.value());
        if (!clock.instant().isBefore(pending.expires()) || !slots.remove(key, slot)) {
            throw new Refusal(HandoffError.UNKNOWN_LOOPBACK_REQUEST); // expired, or answered in another tab
        }
        return new LoopbackAnswer(pending.port(), pending.state(),
                approval.map(a -> approve(a, pending.challenge())));
    }

    /** A one-time code for the CLI's loopback listener, bound to its challenge. */
    private String approve(Approval approval, String challenge) {
        String code = UserCodes.secret(random);
        Loopback pending = new Loopback(approval, challenge, clock.instant().plus(CliHandoff.LOOPBACK_CODE_LIFE));
        slots.create("lb." + AccessToken.hash(code), HandoffCodec.encode(pending), pending.expires());
        return code;
    }

    Approval redeem(String code, String verifier) throws Refusal {
        if (code == null || verifier == null || code.isEmpty() || verifier.length() < 43 || verifier.length() > 128) {
            throw new Refusal(HandoffError.INVALID_REQUEST);
        }
        String key = "lb." + AccessToken.hash(code);
        Slots.Slot slot = slots.get(key).orElseThrow(() -> new Refusal(HandoffError.INVALID_GRANT));
        if (!slots.remove(key, slot)) {
            throw new Refusal(HandoffError.INVALID_GRANT); // someone redeemed it first
        }
        Loopback pending = HandoffCodec.loopback(slot.value());
        if (!clock.instant().isBefore(pending.expires())) {
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        if (!MessageDigest.isEqual(pending.challenge().getBytes(StandardCharsets.US_ASCII),
                Verifier.challenge(verifier).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refusal(HandoffError.INVALID_GRANT);
        }
        return pending.approval();
    }
}
