package saml2nats.web;

import io.javalin.http.Context;
import saml2nats.handoff.HandoffError;
import saml2nats.json.JsonBuilder;
import saml2nats.session.Session;

import java.time.temporal.ChronoUnit;
import java.util.Collection;

/** What the CLI's JSON endpoints answer: refusals as OAuth's error object, people as the CLI prints them. */
final class CliJson {
    private CliJson() { }

    static void send(Context ctx, JsonBuilder body) {
        ctx.contentType("application/json").result(body.toJson());
    }

    /** Answers {@code {"error": wire, "error_description": message}} with the error's status; false, for guards. */
    static boolean refused(Context ctx, HandoffError e) {
        ctx.status(e.status()).contentType("application/json").result(JsonBuilder.object()
                .textIfAny("error", e.wire()).textIfAny("error_description", e.message()).toJson());
        return false;
    }

    /** Who a session is and until when; the CLI prints it after login and for whoami. */
    static JsonBuilder identity(Session s) {
        JsonBuilder b = JsonBuilder.object().textIfAny("name", s.identity().displayName())
                .textIfAny("email", s.identity().email())
                .textIfAny("subject", s.identity().subject())
                .textIfAny("idp", s.identity().idp());
        return textsIfAny(b, "groups", s.identity().groups())
                .textIfAny("session_expires", s.expires().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** An array only when it has an element: empty lists were always left out. */
    static JsonBuilder textsIfAny(JsonBuilder b, String key, Collection<String> values) {
        return values.isEmpty() ? b : b.texts(key, values);
    }
}
