package saml2nats.web;

import io.javalin.http.Context;
import saml2nats.session.Ending;
import saml2nats.audit.AuditEvent;
import saml2nats.handoff.HandoffError;
import saml2nats.json.JsonBuilder;

import java.util.Optional;

/** What {@code saml2nats sessions end} calls; the route table's {@link Access#ADMIN} checked the admin token. */
final class AdminApi {
    private final WebApp.Parts parts;

    AdminApi(WebApp.Parts parts) {
        this.parts = parts;
    }

    /** POST /admin/sessions/end (idp, subject): ends every session of that person, which kicks their live connections. */
    void endSessions(Context ctx) {
        String idp = Optional.ofNullable(ctx.formParam("idp")).orElse("");
        String subject = Optional.ofNullable(ctx.formParam("subject")).orElse("");
        if (idp.isEmpty() || subject.isEmpty()) {
            CliJson.refused(ctx, HandoffError.INVALID_REQUEST);
            return;
        }
        int ended = parts.sessions().endAll(idp, subject, new Ending(Ending.Cause.ADMIN, "admin token"));
        parts.audit().record(AuditEvent.sessionsEnded(parts.clock().instant(), "ended by an admin, " + ended + " session(s)",
                new AuditEvent.Person(subject, "", idp)));
        CliJson.send(ctx, JsonBuilder.object().number("ended", ended));
    }
}
