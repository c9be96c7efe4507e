package saml2nats.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.nats.client.support.JsonUtils;
import saml2nats.audit.AuditEvent;
import saml2nats.handoff.CliHandoff;
import saml2nats.handoff.HandoffError;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.session.AccessToken;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code saml2nats login | logout | whoami} talk to: the browser pages that approve
 * a CLI sign-in (loopback and device code) and the JSON endpoints the CLI calls. The
 * token is minted only when the CLI redeems its code, so it never passes a browser.
 */
final class CliApi {
    private final WebApp.Parts parts;
    private final BrowserSessions browsers;
    private final CliHandoff handoff;
    private final ClientAddresses addresses;
    private final CliStarts starts;

    CliApi(WebApp.Parts parts, BrowserSessions browsers, CliHandoff handoff, ClientAddresses addresses) {
        this.starts = new CliStarts(parts.config().sessions().max(), parts.clock());
        this.parts = parts;
        this.browsers = browsers;
        this.handoff = handoff;
        this.addresses = addresses;
    }

    // ---- loopback: browser side ----

    /** GET /cli/login?request= : after sign-in, show what asked and ask the person to allow it. */
    void loopbackAsk(Context ctx) {
        CliHandoff.LoopbackRequest request;
        try {
            request = handoff.loopbackRequest(ctx.queryParam("request"));
        } catch (CliHandoff.Refusal r) {
            // a link with port, state and challenge is what saml2nats login made before it registered its sign-ins
            boolean olderCli = ctx.queryParam("request") == null && ctx.queryParam("challenge") != null;
            ctx.status(HttpStatus.BAD_REQUEST).html(Pages.problem("Not a CLI sign-in link", olderCli
                    ? "This link comes from an older saml2nats login, which this service no longer accepts (such "
                            + "links could be made by anyone). Update saml2nats on your computer and run saml2nats login again."
                    : r.error().message()));
            return;
        }
        Optional<BrowserSessions.Signed> signed = signedInOrRedirect(ctx);
        if (signed.isEmpty()) {
            return;
        }
        Decision decision = parts.policy().current().decide(signed.get().session().identity());
        ctx.html(Pages.cliAllow(signed.get().session(), decision, request.waiting(), ctx.queryParam("request"),
                signed.get().entry().csrf(), parts.clock().instant(), parts.serverMaxPayload().get()));
    }

    /** POST /cli/login (request, answer) : the request is spent; on Allow the browser takes a one-time code to the CLI. */
    void loopbackAnswer(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        if (signed.isEmpty() || !WebApp.sameSecret(signed.get().entry().csrf(), ctx.formParam("csrf"))) {
            ctx.status(HttpStatus.FORBIDDEN).html(Pages.problem("CLI sign-in refused",
                    "The form was not from this service's page, or your session ended. Run saml2nats login again."));
            return;
        }
        Session session = signed.get().session();
        boolean allowed = "allow".equals(ctx.formParam("answer"));
        boolean mayHaveToken = !(parts.policy().current().decide(session.identity()) instanceof Decision.Deny);
        try {
            CliHandoff.LoopbackAnswer answer = handoff.answerLoopback(ctx.formParam("request"), allowed && mayHaveToken
                    ? Optional.of(new CliHandoff.Approval(session.identity(), signed.get().entry().tokenHash(), session.expires()))
                    : Optional.empty());
            String back = "http://127.0.0.1:" + answer.port() + "/callback?state=" + enc(answer.state());
            String outcome = answer.code().map(c -> "&code=" + enc(c))
                    .orElse("&error=" + (allowed ? HandoffError.NO_ACCESS : HandoffError.ACCESS_DENIED).wire());
            ctx.redirect(back + outcome, HttpStatus.SEE_OTHER);
        } catch (CliHandoff.Refusal r) {
            ctx.status(r.error().status()).html(Pages.problem("That sign-in is no longer waiting", r.error().message()));
        }
    }

    // ---- loopback: CLI side ----

    /**
     * POST /cli/login/start (port, state, challenge, host): the CLI registers its loopback
     * sign-in before opening the browser, and gets the request to name in the link and a
     * confirmation code to print, which the approval page shows beside where it came from.
     */
    void loopbackStart(Context ctx) {
        String address = addresses.of(ctx);
        Optional<Integer> port = loopbackPort(ctx.formParam("port"));
        String state = Optional.ofNullable(ctx.formParam("state")).orElse("");
        if (port.isEmpty() || !validState(state)) {
            error(ctx, HandoffError.INVALID_REQUEST);
            return;
        }
        try {
            starts.checkStartAllowed(address);
            CliHandoff.LoopbackStart start = handoff.startLoopback(port.get(), state, ctx.formParam("challenge"),
                    requestedFrom(address, ctx.formParam("host")));
            StringBuilder sb = JsonUtils.beginJson();
            JsonUtils.addField(sb, "request", start.request());
            JsonUtils.addField(sb, "confirm_code", start.confirmCode());
            JsonUtils.addField(sb, "expires_in", CliHandoff.LOOPBACK_REQUEST_LIFE.toSeconds());
            ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
        } catch (CliHandoff.Refusal r) {
            error(ctx, r.error());
        }
    }

    /** The address is what the service saw (or a trusted proxy forwarded); the name is only what the client claims. */
    private static String requestedFrom(String address, String claimedHost) {
        String host = Optional.ofNullable(claimedHost).orElse("").replaceAll("[^A-Za-z0-9._-]", "");
        return "address " + address + (host.isEmpty() ? "" : ", calls itself " + host.substring(0, Math.min(64, host.length())));
    }

    /** POST /cli/token (code, verifier): the token, once. */
    void loopbackToken(Context ctx) {
        try {
            issue(ctx, handoff.redeemLoopback(ctx.formParam("code"), ctx.formParam("verifier")), "loopback");
        } catch (CliHandoff.Refusal r) {
            error(ctx, r.error());
        }
    }

    // ---- device code ----

    /** POST /cli/device : a device code to poll with and a user code to show. */
    void deviceStart(Context ctx) {
        String address = addresses.of(ctx);
        String from = requestedFrom(address, ctx.formParam("host"));
        try {
            starts.checkStartAllowed(address);
        } catch (CliHandoff.Refusal r) {
            error(ctx, r.error());
            return;
        }
        CliHandoff.DeviceStart start = handoff.startDevice(from);
        String verify = parts.config().publicUrl().toString().replaceAll("/$", "") + "/device";
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "device_code", start.deviceCode());
        JsonUtils.addField(sb, "user_code", start.userCode());
        JsonUtils.addField(sb, "verification_uri", verify);
        JsonUtils.addField(sb, "verification_uri_complete", verify + "?code=" + enc(start.userCode()));
        JsonUtils.addField(sb, "expires_in", CliHandoff.DEVICE_CODE_LIFE.toSeconds());
        JsonUtils.addField(sb, "interval", CliHandoff.POLL_INTERVAL.toSeconds());
        ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    /** POST /cli/device/token (device_code): pending, slow down, expired, refused, or the token once. */
    void devicePoll(Context ctx) {
        try {
            issue(ctx, handoff.poll(ctx.formParam("device_code")), "device");
        } catch (CliHandoff.Refusal r) {
            error(ctx, r.error());
        }
    }

    /** GET /device[?code=] : where the person types the code. */
    void deviceEnter(Context ctx) {
        Optional<BrowserSessions.Signed> signed = signedInOrRedirect(ctx);
        signed.ifPresent(s -> ctx.html(Pages.deviceEnter(CliHandoff.normalize(ctx.queryParam("code")), s.entry().csrf(), "")));
    }

    /** POST /device (user_code): the confirmation page for a known code; wrong codes count. */
    void deviceFind(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        if (signed.isEmpty() || !WebApp.sameSecret(signed.get().entry().csrf(), ctx.formParam("csrf"))) {
            ctx.redirect("/device", HttpStatus.SEE_OTHER);
            return;
        }
        String typed = Optional.ofNullable(ctx.formParam("user_code")).orElse("");
        try {
            CliHandoff.Waiting waiting = handoff.find(typed, person(signed.get().session()));
            Decision decision = parts.policy().current().decide(signed.get().session().identity());
            ctx.html(Pages.deviceConfirm(signed.get().session(), decision, waiting, signed.get().entry().csrf(),
                    parts.clock().instant(), parts.serverMaxPayload().get()));
        } catch (CliHandoff.Refusal r) {
            parts.audit().record(AuditEvent.cliCodeRefused(parts.clock().instant(), r.error(),
                    signed.get().session().id(), Audited.person(signed.get().session().identity())));
            ctx.status(r.error().status()).html(Pages.deviceEnter(CliHandoff.normalize(typed), signed.get().entry().csrf(),
                    r.error().message()));
        }
    }

    /** POST /device/answer (user_code, answer): approve or decline; the code is spent either way. */
    void deviceAnswer(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        if (signed.isEmpty() || !WebApp.sameSecret(signed.get().entry().csrf(), ctx.formParam("csrf"))) {
            ctx.redirect("/device", HttpStatus.SEE_OTHER);
            return;
        }
        Session session = signed.get().session();
        String code = ctx.formParam("user_code");
        try {
            if (!"allow".equals(ctx.formParam("answer"))) {
                handoff.refuse(code, person(session), HandoffError.ACCESS_DENIED);
                ctx.html(Pages.deviceDone(false));
            } else if (parts.policy().current().decide(session.identity()) instanceof Decision.Deny) {
                handoff.refuse(code, person(session), HandoffError.NO_ACCESS);
                ctx.html(Pages.deviceDone(false));
            } else {
                handoff.approve(code, person(session), new CliHandoff.Approval(session.identity(),
                        signed.get().entry().tokenHash(), session.expires()));
                ctx.html(Pages.deviceDone(true));
            }
        } catch (CliHandoff.Refusal r) {
            ctx.status(r.error().status()).html(Pages.problem("That code is no longer waiting", r.error().message()));
        }
    }

    // ---- token holders ----

    /** GET /cli/whoami with {@code Authorization: Bearer <token>}: identity, grant and expiry. */
    void whoami(Context ctx) {
        Optional<Session> session = bearer(ctx);
        if (session.isEmpty()) {
            error(ctx, HandoffError.INVALID_TOKEN);
            return;
        }
        Session s = session.get();
        Decision decision = parts.policy().current().decide(s.identity());
        StringBuilder sb = identityJson(s);
        if (decision instanceof Decision.Allow allow) {
            JsonUtils.addField(sb, "account", allow.grant().account());
            JsonUtils.addStrings(sb, "roles", allow.grant().roles());
        }
        JsonUtils.addField(sb, "grant", Explanation.of(decision, parts.serverMaxPayload().get()));
        ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    /** POST /cli/logout with {@code Authorization: Bearer <token>}: ends that session (and kicks its connections). */
    void logout(Context ctx) {
        Optional<Session> session = bearer(ctx);
        if (session.isEmpty()) {
            error(ctx, HandoffError.INVALID_TOKEN);
            return;
        }
        parts.sessions().end(AccessToken.hash(token(ctx)));
        parts.audit().record(AuditEvent.signedOut(parts.clock().instant(), "cli", session.get().id(),
                Audited.person(session.get().identity())));
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "ended", session.get().id());
        ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    /**
     * POST /admin/sessions/end (idp, subject) with {@code Authorization: Bearer <admin token>}:
     * ends every session of that person, which kicks their live connections.
     */
    void adminEnd(Context ctx) {
        if (parts.config().adminToken().isEmpty()) {
            error(ctx, HandoffError.ADMIN_OFF);
            return;
        }
        String given = token(ctx);
        if (given.isEmpty() || !WebApp.sameSecret(parts.config().adminToken().get().value(), given)) {
            error(ctx, HandoffError.ADMIN_REFUSED);
            return;
        }
        String idp = Optional.ofNullable(ctx.formParam("idp")).orElse("");
        String subject = Optional.ofNullable(ctx.formParam("subject")).orElse("");
        if (idp.isEmpty() || subject.isEmpty()) {
            error(ctx, HandoffError.INVALID_REQUEST);
            return;
        }
        int ended = parts.sessions().endAll(idp, subject);
        parts.audit().record(AuditEvent.sessionsEnded(parts.clock().instant(), "ended by an admin, " + ended + " session(s)",
                new AuditEvent.Person(subject, "", idp)));
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "ended", ended);
        ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    // ----

    /** A new session for the CLI, as long as the approving browser's, and its token in the answer. */
    private void issue(Context ctx, CliHandoff.Approval approval, String how) {
        Instant now = parts.clock().instant();
        if (!(parts.policy().current().decide(approval.identity()) instanceof Decision.Allow allow)) {
            error(ctx, HandoffError.NO_ACCESS);
            return;
        }
        if (!now.isBefore(approval.sessionEnds()) || parts.sessions().findByTokenHash(approval.approvingTokenHash()).isEmpty()) {
            error(ctx, HandoffError.APPROVAL_ENDED);
            return;
        }
        SessionStore.Created created = parts.sessions().create(approval.identity(),
                Duration.between(now, approval.sessionEnds()));
        parts.audit().record(AuditEvent.cliSignedIn(parts.clock().instant(), how, created.session().id(),
                Audited.person(created.session().identity()), created.session().expires()));
        StringBuilder sb = identityJson(created.session());
        JsonUtils.addField(sb, "token", created.token());
        JsonUtils.addField(sb, "nats_url", parts.config().nats().url());
        parts.sentinelCreds().ifPresent(c -> JsonUtils.addField(sb, "sentinel_creds", c));
        // for the CLI's "use it" hint: subjects this person may use (a fixed '>' is refused for every role)
        allow.grant().subscribeExample().ifPresent(s -> JsonUtils.addField(sb, "subscribe_example", s));
        allow.grant().publishExample().ifPresent(s -> JsonUtils.addField(sb, "publish_example", s));
        ctx.contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    private static StringBuilder identityJson(Session s) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "name", s.identity().displayName());
        JsonUtils.addField(sb, "email", s.identity().email());
        JsonUtils.addField(sb, "subject", s.identity().subject());
        JsonUtils.addField(sb, "idp", s.identity().idp());
        JsonUtils.addStrings(sb, "groups", s.identity().groups());
        JsonUtils.addField(sb, "session_expires", s.expires().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return sb;
    }

    private void error(Context ctx, HandoffError e) {
        StringBuilder sb = JsonUtils.beginJson();
        JsonUtils.addField(sb, "error", e.wire());
        JsonUtils.addField(sb, "error_description", e.message());
        ctx.status(e.status()).contentType("application/json").result(JsonUtils.endJson(sb).toString());
    }

    private Optional<Session> bearer(Context ctx) {
        String token = token(ctx);
        if (!AccessToken.looksLikeToken(token)) {
            return Optional.empty();
        }
        return parts.sessions().findByToken(token).filter(s -> s.isLiveAt(parts.clock().instant()));
    }

    private static String token(Context ctx) {
        String h = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
    }

    /** Whom wrong guesses count against: the person, not one of their sessions. */
    private static String person(Session s) {
        return s.identity().idp() + "\n" + s.identity().subject();
    }

    /** The signed-in browser, or a redirect to sign-in that comes back to this very page. */
    private Optional<BrowserSessions.Signed> signedInOrRedirect(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        if (signed.isEmpty()) {
            String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect("/?return=" + enc(here), HttpStatus.SEE_OTHER);
        }
        return signed;
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
