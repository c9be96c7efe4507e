package saml2nats.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import saml2nats.audit.AuditEvent;
import saml2nats.handoff.CliHandoff;
import saml2nats.handoff.HandoffError;
import saml2nats.policy.Decision;
import saml2nats.session.Session;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The browser side of a CLI sign-in: the pages where a signed-in person allows a loopback
 * request ({@code /cli/login}) or types and approves a device code ({@code /device}). Who may
 * see and post them is the route table's {@link Access}; the token is minted only when the CLI
 * redeems its code ({@link CliSignIn}), so it never passes a browser.
 */
final class CliApproval {
    private static final String REQUEST = "saml2nats.loopbackRequest";

    private final WebApp.Parts parts;
    private final CliHandoff handoff;

    CliApproval(WebApp.Parts parts, CliHandoff handoff) {
        this.parts = parts;
        this.handoff = handoff;
    }

    /**
     * Before GET /cli/login, ahead of its sign-in check: a link that names no waiting request is
     * refused at once, to a stranger too, not after they signed in.
     */
    void knownRequest(Context ctx) {
        if (ctx.method() != HandlerType.GET) {
            return;
        }
        try {
            ctx.attribute(REQUEST, handoff.loopbackRequest(ctx.queryParam("request")));
        } catch (CliHandoff.Refusal r) {
            ctx.status(HttpStatus.BAD_REQUEST).html(Pages.problem("Not a CLI sign-in link", notALink(ctx, r.error())));
            ctx.skipRemainingHandlers();
        }
    }

    private static String notALink(Context ctx, HandoffError error) {
        // a link with port, state and challenge is what saml2nats login made before it registered its sign-ins
        boolean olderCli = ctx.queryParam("request") == null && ctx.queryParam("challenge") != null;
        return olderCli ? "This link comes from an older saml2nats login, which this service no longer accepts (such "
                + "links could be made by anyone). Update saml2nats on your computer and run saml2nats login again."
                : error.message();
    }

    /** GET /cli/login?request= : after sign-in, show what asked and ask the person to allow it. */
    void loopbackAsk(Context ctx) {
        BrowserSessions.Signed signed = AccessRules.signedIn(ctx);
        CliHandoff.LoopbackRequest request = ctx.attribute(REQUEST);
        ctx.html(Pages.cliAllow(signed.session(), decide(signed.session()), request.waiting(), ctx.queryParam("request"),
                signed.entry().csrf(), parts.clock().instant(), parts.serverMaxPayload().get()));
    }

    /** POST /cli/login (request, answer) : the request is spent; on Allow the browser takes a one-time code to the CLI. */
    void loopbackAnswer(Context ctx) {
        boolean allowed = "allow".equals(ctx.formParam("answer"));
        try {
            CliHandoff.LoopbackAnswer answer = handoff.answerLoopback(ctx.formParam("request"),
                    allowed ? approval(AccessRules.signedIn(ctx)) : Optional.empty());
            ctx.redirect(toListener(answer, allowed), HttpStatus.SEE_OTHER);
        } catch (CliHandoff.Refusal r) {
            ctx.status(r.error().status()).html(Pages.problem("That sign-in is no longer waiting", r.error().message()));
        }
    }

    /** The CLI's listener, with the code, or why there is none. */
    private static String toListener(CliHandoff.LoopbackAnswer answer, boolean allowed) {
        String back = "http://127.0.0.1:" + answer.port() + "/callback?state=" + enc(answer.state());
        return back + answer.code().map(c -> "&code=" + enc(c))
                .orElse("&error=" + (allowed ? HandoffError.NO_ACCESS : HandoffError.ACCESS_DENIED).wire());
    }

    /** GET /device[?code=] : where the person types the code. */
    void deviceEnter(Context ctx) {
        ctx.html(Pages.deviceEnter(CliHandoff.normalize(ctx.queryParam("code")), AccessRules.signedIn(ctx).entry().csrf(), ""));
    }

    /** POST /device (user_code): the confirmation page for a known code; wrong codes count. */
    void deviceFind(Context ctx) {
        BrowserSessions.Signed signed = AccessRules.signedIn(ctx);
        String typed = Optional.ofNullable(ctx.formParam("user_code")).orElse("");
        try {
            CliHandoff.Waiting waiting = handoff.find(typed, person(signed.session()));
            ctx.html(Pages.deviceConfirm(signed.session(), decide(signed.session()), waiting, signed.entry().csrf(),
                    parts.clock().instant(), parts.serverMaxPayload().get()));
        } catch (CliHandoff.Refusal r) {
            wrongCode(ctx, signed, typed, r.error());
        }
    }

    /** The code is not one waiting for this person (or they tried too many): audited, and the form again. */
    private void wrongCode(Context ctx, BrowserSessions.Signed signed, String typed, HandoffError error) {
        parts.audit().record(AuditEvent.cliCodeRefused(parts.clock().instant(), error,
                signed.session().id(), Audited.person(signed.session().identity())));
        ctx.status(error.status()).html(Pages.deviceEnter(CliHandoff.normalize(typed), signed.entry().csrf(), error.message()));
    }

    /** POST /device/answer (user_code, answer): approve or decline; the code is spent either way. */
    void deviceAnswer(Context ctx) {
        try {
            ctx.html(Pages.deviceDone(answerDevice(ctx.formParam("user_code"), AccessRules.signedIn(ctx),
                    "allow".equals(ctx.formParam("answer")))));
        } catch (CliHandoff.Refusal r) {
            ctx.status(r.error().status()).html(Pages.problem("That code is no longer waiting", r.error().message()));
        }
    }

    /** Approves the code, or refuses it (declined, or no NATS access); true when the device gets a token. */
    private boolean answerDevice(String code, BrowserSessions.Signed signed, boolean allowed) throws CliHandoff.Refusal {
        String person = person(signed.session());
        Optional<CliHandoff.Approval> approval = allowed ? approval(signed) : Optional.empty();
        if (approval.isEmpty()) {
            handoff.refuse(code, person, allowed ? HandoffError.NO_ACCESS : HandoffError.ACCESS_DENIED);
            return false;
        }
        handoff.approve(code, person, approval.get());
        return true;
    }

    /** This browser's approval, as long as its session; none when the person may have no token at all. */
    private Optional<CliHandoff.Approval> approval(BrowserSessions.Signed signed) {
        Session session = signed.session();
        return decide(session) instanceof Decision.Deny ? Optional.empty()
                : Optional.of(new CliHandoff.Approval(session.identity(), signed.entry().tokenHash(), session.expires()));
    }

    private Decision decide(Session session) {
        return parts.policy().current().decide(session.identity());
    }

    /** Whom wrong guesses count against: the person, not one of their sessions. */
    private static String person(Session s) {
        return s.identity().idp() + "\n" + s.identity().subject();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
