package saml2nats.web;

import io.javalin.http.Context;
import saml2nats.session.Ending;
import saml2nats.audit.AuditEvent;
import saml2nats.json.JsonBuilder;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.session.AccessToken;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

/**
 * What {@code saml2nats whoami | logout} call with the CLI's token ({@code Authorization: Bearer});
 * the route table's {@link Access#CLI_TOKEN} has found its live session before these run.
 */
final class CliTokenApi {
    private final WebApp.Parts parts;

    CliTokenApi(WebApp.Parts parts) {
        this.parts = parts;
    }

    /** GET /cli/whoami: identity, grant and expiry, and the person's live connections when the service knows them. */
    void whoami(Context ctx) {
        Session s = AccessRules.bearer(ctx);
        Decision decision = parts.policy().current().decide(s.identity());
        JsonBuilder b = CliJson.identity(s);
        if (decision instanceof Decision.Allow allow) {
            CliJson.textsIfAny(b.textIfAny("account", allow.grant().account()), "roles", allow.grant().roles());
        }
        WebApp.connectionsOf(parts, s.identity()).ifPresent(live -> b.objects("connections", live.stream()
                .map(l -> JsonBuilder.object().textIfAny("from", l.connection().host()).textIfAny("client", l.connection().name())
                        .text("since", l.connection().since().toString()).text("server", l.connection().serverName()))
                .toList()));
        b.objects("refused", parts.refusals().of(s.identity()).stream().map(r -> JsonBuilder.object()
                .text("at", r.at().toString()).text("code", r.code()).text("words", r.words())).toList());
        CliJson.send(ctx, b.textIfAny("grant", Explanation.of(decision, parts.serverMaxPayload().get())));
    }

    /** POST /cli/creds/challenge: a one-time challenge the CLI signs with its user key. */
    void credsChallenge(Context ctx) {
        try {
            CliJson.send(ctx, JsonBuilder.object().text("challenge", parts.creds().challenge(AccessRules.bearerToken(ctx)))
                    .text("sign", saml2nats.callout.KeyBoundCreds.PROOF_PREFIX + "<challenge>"));
        } catch (saml2nats.callout.CredsException e) {
            refused(ctx, e);
        }
    }

    /** POST /cli/creds (public_key, challenge, signature): a user JWT for the key the caller proved it holds. */
    void creds(Context ctx) {
        try {
            var issued = parts.creds().issue(AccessRules.bearerToken(ctx), ctx.formParam("public_key"),
                    ctx.formParam("challenge"), ctx.formParam("signature"));
            CliJson.send(ctx, JsonBuilder.object().text("jwt", issued.jwt()).text("expires", issued.expires().toString())
                    .text("account", issued.account()));
        } catch (saml2nats.callout.CredsException e) {
            refused(ctx, e);
        }
    }

    /** OAuth's error object, as the CLI's other answers: the code's wire form and what to do. */
    private static void refused(Context ctx, saml2nats.callout.CredsException e) {
        saml2nats.callout.CredsError code = e.error();
        ctx.status(code.status).contentType("application/json").result(JsonBuilder.object()
                .text("error", code.wire()).text("error_description", e.getMessage()).toJson());
    }

    /** POST /cli/logout: ends that session (and kicks its connections). */
    void logout(Context ctx) {
        Session s = AccessRules.bearer(ctx);
        parts.sessions().end(AccessToken.hash(AccessRules.bearerToken(ctx)),
                new Ending(Ending.Cause.CLI_LOGOUT, s.identity().subject()));
        parts.audit().record(AuditEvent.signedOut(parts.clock().instant(), "cli", s.id(), Audited.person(s.identity())));
        CliJson.send(ctx, JsonBuilder.object().textIfAny("ended", s.id()));
    }

    /** GET /cli/sessions: the token holder's own live sessions (never another person's), oldest first. */
    void sessions(Context ctx) {
        Session me = AccessRules.bearer(ctx);
        java.util.List<JsonBuilder> list = parts.sessions().of(me.identity()).stream()
                .map(s -> JsonBuilder.object().text("id", s.id()).text("kind", s.origin().kind().words())
                        .text("created", s.created().toString()).text("expires", s.expires().toString())
                        .textIfAny("address", s.origin().address()).textIfAny("agent", s.origin().userAgent())
                        .bool("this", s.id().equals(me.id())))
                .toList();
        CliJson.send(ctx, JsonBuilder.object().objects("sessions", list));
    }

    /** POST /cli/sessions/end (session = an id, or all): ends the holder's own sessions, which kicks their connections. */
    void endSessions(Context ctx) {
        Session me = AccessRules.bearer(ctx);
        String which = java.util.Optional.ofNullable(ctx.formParam("session")).orElse("");
        if (which.isEmpty()) {
            CliJson.refused(ctx, saml2nats.handoff.HandoffError.INVALID_REQUEST);
            return;
        }
        boolean all = which.equals(SessionStore.ALL);
        int ended = parts.sessions().endOwn(me.identity(), which,
                new Ending(all ? Ending.Cause.SIGN_OUT_EVERYWHERE : Ending.Cause.CLI_LOGOUT, me.identity().subject()));
        parts.audit().record(AuditEvent.sessionsEnded(parts.clock().instant(), (all ? "signed out everywhere" : "ended " + which)
                + " from the CLI, " + ended + " session(s)", Audited.person(me.identity())));
        CliJson.send(ctx, JsonBuilder.object().number("ended", ended));
    }
}
