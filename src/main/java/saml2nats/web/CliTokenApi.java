package saml2nats.web;

import io.javalin.http.Context;
import saml2nats.session.Ending;
import saml2nats.audit.AuditEvent;
import saml2nats.json.JsonBuilder;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.session.AccessToken;
import saml2nats.session.Session;

/**
 * What {@code saml2nats whoami | logout} call with the CLI's token ({@code Authorization: Bearer});
 * the route table's {@link Access#CLI_TOKEN} has found its live session before these run.
 */
final class CliTokenApi {
    private final WebApp.Parts parts;

    CliTokenApi(WebApp.Parts parts) {
        this.parts = parts;
    }

    /** GET /cli/whoami: identity, grant and expiry. */
    void whoami(Context ctx) {
        Session s = AccessRules.bearer(ctx);
        Decision decision = parts.policy().current().decide(s.identity());
        JsonBuilder b = CliJson.identity(s);
        if (decision instanceof Decision.Allow allow) {
            CliJson.textsIfAny(b.textIfAny("account", allow.grant().account()), "roles", allow.grant().roles());
        }
        CliJson.send(ctx, b.textIfAny("grant", Explanation.of(decision, parts.serverMaxPayload().get())));
    }

    /** POST /cli/logout: ends that session (and kicks its connections). */
    void logout(Context ctx) {
        Session s = AccessRules.bearer(ctx);
        parts.sessions().end(AccessToken.hash(AccessRules.bearerToken(ctx)),
                new Ending(Ending.Cause.CLI_LOGOUT, s.identity().subject()));
        parts.audit().record(AuditEvent.signedOut(parts.clock().instant(), "cli", s.id(), Audited.person(s.identity())));
        CliJson.send(ctx, JsonBuilder.object().textIfAny("ended", s.id()));
    }
}
