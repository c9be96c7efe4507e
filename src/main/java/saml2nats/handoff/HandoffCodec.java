package saml2nats.handoff;

import saml2nats.handoff.CliHandoff.Approval;
import saml2nats.handoff.CliHandoff.LoopbackRequest;
import saml2nats.handoff.CliHandoff.Waiting;
import saml2nats.handoff.DeviceCodes.Device;
import saml2nats.handoff.LoopbackCodes.Loopback;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;
import saml2nats.session.Identity;
import saml2nats.session.IdentityJson;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * How pending codes are stored: JSON, so a KV bucket holds something a person can read. Empty
 * texts are left out, as they always were, and read back as empty.
 */
final class HandoffCodec {
    private HandoffCodec() { }

    static byte[] encode(Loopback l) {
        return bytes(JsonBuilder.object().object("approval", approval(l.approval()))
                .textIfAny("challenge", l.challenge())
                .number("expires", l.expires().toEpochMilli()));
    }

    static Loopback loopback(byte[] bytes) {
        JsonObject o = parse(bytes);
        return new Loopback(approval(o.object("approval").orElseThrow(() -> unreadable("it names no approval"))),
                text(o, "challenge"), instant(o, "expires"));
    }

    static byte[] encode(LoopbackRequest r) {
        return bytes(JsonBuilder.object().number("port", r.port())
                .textIfAny("state", r.state())
                .textIfAny("challenge", r.challenge())
                .textIfAny("confirm_code", r.waiting().userCode())
                .textIfAny("from", r.waiting().requestedFrom())
                .number("requested", r.waiting().requested().toEpochMilli())
                .number("expires", r.expires().toEpochMilli()));
    }

    static LoopbackRequest loopbackRequest(byte[] bytes) {
        JsonObject o = parse(bytes);
        return new LoopbackRequest((int) o.number("port").orElse(0), text(o, "state"), text(o, "challenge"),
                new Waiting(text(o, "confirm_code"), text(o, "from"), instant(o, "requested")), instant(o, "expires"));
    }

    static byte[] encode(Device d) {
        JsonBuilder b = JsonBuilder.object().textIfAny("user_code", d.waiting().userCode())
                .textIfAny("from", d.waiting().requestedFrom())
                .number("requested", d.waiting().requested().toEpochMilli())
                .number("expires", d.expires().toEpochMilli());
        if (d.approval() != null) {
            b.object("approval", approval(d.approval()));
        }
        if (d.refusal() != null) {
            b.text("refusal", d.refusal().name());
        }
        return bytes(b.textIfAny("confirmed_by", d.confirmedBy())
                .number("last_poll", d.lastPoll().toEpochMilli()));
    }

    static Device device(byte[] bytes) {
        JsonObject o = parse(bytes);
        return new Device(new Waiting(text(o, "user_code"), text(o, "from"), instant(o, "requested")), instant(o, "expires"),
                o.object("approval").map(HandoffCodec::approval).orElse(null),
                o.text("refusal").map(HandoffError::valueOf).orElse(null), text(o, "confirmed_by"),
                instant(o, "last_poll"));
    }

    private static JsonBuilder approval(Approval a) {
        return identity(a.identity()).textIfAny("approving", a.approvingTokenHash())
                .number("ends", a.sessionEnds().toEpochMilli());
    }

    private static Approval approval(JsonObject o) {
        return new Approval(identity(o), text(o, "approving"), instant(o, "ends"));
    }

    private static JsonBuilder identity(Identity who) {
        return IdentityJson.write(JsonBuilder.object(), who);
    }

    private static Identity identity(JsonObject o) {
        return IdentityJson.read(o);
    }

    private static byte[] bytes(JsonBuilder b) {
        return b.toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject parse(byte[] bytes) {
        try {
            return JsonObject.parse(bytes);
        } catch (JsonException e) {
            throw unreadable(e.getMessage());
        }
    }

    private static IllegalStateException unreadable(String why) {
        return new IllegalStateException("a pending CLI sign-in is not readable: " + why);
    }

    private static String text(JsonObject o, String key) {
        return o.text(key).orElse("");
    }

    private static Instant instant(JsonObject o, String key) {
        return Instant.ofEpochMilli(o.number(key).orElse(0));
    }
}
