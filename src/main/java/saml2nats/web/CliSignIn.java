package saml2nats.web;

import io.javalin.http.Context;
import saml2nats.audit.AuditEvent;
import saml2nats.handoff.CliHandoff;
import saml2nats.handoff.HandoffError;
import saml2nats.json.JsonBuilder;
import saml2nats.policy.Decision;
import saml2nats.policy.Grant;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code saml2nats login} calls before and after the browser: it starts a loopback or device
 * sign-in (no sign-in needed, so starts are limited per address), then redeems its code or polls,
 * and gets its token here, once: a new session, no longer than the approving browser's.
 */
final class CliSignIn {
    private final WebApp.Parts parts;
    private final CliHandoff handoff;
    private final ClientAddresses addresses;
    private final CliStarts starts;

    CliSignIn(WebApp.Parts parts, CliHandoff handoff, ClientAddresses addresses, CliStarts starts) {
        this.parts = parts;
        this.handoff = handoff;
        this.addresses = addresses;
        this.starts = starts;
    }

    /**
     * POST /cli/login/start (port, state, challenge, host): the CLI registers its loopback
     * sign-in before opening the browser, and gets the request to name in the link and a
     * confirmation code to print, which the approval page shows beside where it came from.
     */
    void loopbackStart(Context ctx) {
        Optional<Integer> port = loopbackPort(ctx.formParam("port"));
        String state = Optional.ofNullable(ctx.formParam("state")).orElse("");
        try {
            if (port.isEmpty() || !validState(state)) {
                throw new CliHandoff.Refusal(HandoffError.INVALID_REQUEST);
            }
            CliHandoff.LoopbackStart start = handoff.startLoopback(port.get(), state, ctx.formParam("challenge"), started(ctx));
            CliJson.send(ctx, JsonBuilder.object().textIfAny("request", start.request())
                    .textIfAny("confirm_code", start.confirmCode())
                    .number("expires_in", CliHandoff.LOOPBACK_REQUEST_LIFE.toSeconds()));
        } catch (CliHandoff.Refusal r) {
            CliJson.refused(ctx, r.error());
        }
    }

    /** POST /cli/token (code, verifier): the token, once. */
    void loopbackToken(Context ctx) {
        try {
            issue(ctx, handoff.redeemLoopback(ctx.formParam("code"), ctx.formParam("verifier")), "loopback");
        } catch (CliHandoff.Refusal r) {
            CliJson.refused(ctx, r.error());
        }
    }

    /** POST /cli/device : a device code to poll with and a user code to show. */
    void deviceStart(Context ctx) {
        try {
            CliHandoff.DeviceStart start = handoff.startDevice(started(ctx));
            String verify = parts.config().publicUrl().toString().replaceAll("/$", "") + "/device";
            CliJson.send(ctx, JsonBuilder.object().textIfAny("device_code", start.deviceCode())
                    .textIfAny("user_code", start.userCode()).textIfAny("verification_uri", verify)
                    .textIfAny("verification_uri_complete", verify + "?code=" + enc(start.userCode()))
                    .number("expires_in", CliHandoff.DEVICE_CODE_LIFE.toSeconds())
                    .number("interval", CliHandoff.POLL_INTERVAL.toSeconds()));
        } catch (CliHandoff.Refusal r) {
            CliJson.refused(ctx, r.error());
        }
    }

    /** POST /cli/device/token (device_code): pending, slow down, expired, refused, or the token once. */
    void devicePoll(Context ctx) {
        try {
            issue(ctx, handoff.poll(ctx.formParam("device_code")), "device");
        } catch (CliHandoff.Refusal r) {
            CliJson.refused(ctx, r.error());
        }
    }

    /** One more start from the caller's address, if it may; where the start came from, for the approval page. */
    private String started(Context ctx) throws CliHandoff.Refusal {
        String address = addresses.of(ctx);
        starts.checkStartAllowed(address);
        return requestedFrom(address, ctx.formParam("host"));
    }

    /** The address is what the service saw (or a trusted proxy forwarded); the name is only what the client claims. */
    private static String requestedFrom(String address, String claimedHost) {
        String host = Optional.ofNullable(claimedHost).orElse("").replaceAll("[^A-Za-z0-9._-]", "");
        return "address " + address + (host.isEmpty() ? "" : ", calls itself " + host.substring(0, Math.min(64, host.length())));
    }

    /** A new session for the CLI, as long as the approving browser's, and its token in the answer. */
    private void issue(Context ctx, CliHandoff.Approval approval, String how) throws CliHandoff.Refusal {
        Instant now = parts.clock().instant();
        if (!(parts.policy().current().decide(approval.identity()) instanceof Decision.Allow allow)) {
            throw new CliHandoff.Refusal(HandoffError.NO_ACCESS);
        }
        if (!now.isBefore(approval.sessionEnds()) || parts.sessions().findByTokenHash(approval.approvingTokenHash()).isEmpty()) {
            throw new CliHandoff.Refusal(HandoffError.APPROVAL_ENDED);
        }
        Session.Origin origin = new Session.Origin(how.equals("device") ? Session.Origin.Kind.CLI_DEVICE
                : Session.Origin.Kind.CLI_LOOPBACK, addresses.of(ctx), ctx.userAgent());
        SessionStore.Created created = parts.sessions().create(approval.identity(), Duration.between(now, approval.sessionEnds()),
                origin);
        parts.audit().record(AuditEvent.cliSignedIn(parts.clock().instant(), how, created.session().id(),
                Audited.person(created.session().identity()), created.session().expires()));
        CliJson.send(ctx, tokenJson(created, allow.grant()));
    }

    private JsonBuilder tokenJson(SessionStore.Created created, Grant grant) {
        JsonBuilder b = CliJson.identity(created.session()).textIfAny("token", created.token())
                .textIfAny("nats_url", parts.config().nats().url());
        parts.sentinelCreds().ifPresent(c -> b.textIfAny("sentinel_creds", c));
        // for the CLI's "use it" hint: subjects this person may use (a fixed '>' is refused for every role)
        grant.subscribeExample().ifPresent(s -> b.textIfAny("subscribe_example", s));
        grant.publishExample().ifPresent(s -> b.textIfAny("publish_example", s));
        return b;
    }

    /** Only unprivileged loopback ports: the code goes nowhere but this machine. */
    private static Optional<Integer> loopbackPort(String p) {
        try {
            int port = Integer.parseInt(p == null ? "" : p);
            return port >= 1024 && port <= 65535 ? Optional.of(port) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean validState(String state) {
        return state.length() >= 16 && state.length() <= 128 && state.chars().allMatch(c ->
                c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
