package saml2nats.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.security.RouteRole;
import saml2nats.handoff.HandoffError;
import saml2nats.session.AccessToken;
import saml2nats.session.Session;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks each route's {@link Access} before its handler (Javalin's {@code beforeMatched}, as its
 * HelloWorldAuth example does), answers a caller who fails it, and leaves what the handler may
 * use on the context: the signed-in browser or the bearer's session.
 */
final class AccessRules {
    private static final String SIGNED = "saml2nats.signed";
    private static final String BEARER = "saml2nats.bearer";

    private final WebApp.Parts parts;
    private final BrowserSessions browsers;
    private final ScimApi scim;

    AccessRules(WebApp.Parts parts, BrowserSessions browsers, ScimApi scim) {
        this.parts = parts;
        this.browsers = browsers;
        this.scim = scim;
    }

    /** beforeMatched: a refused caller is answered here and the handler never runs. */
    void check(Context ctx) {
        for (RouteRole role : ctx.routeRoles()) {
            if (role instanceof Access access && !allowed(access, ctx)) {
                ctx.skipRemainingHandlers();
                return;
            }
        }
    }

    /** The signed-in browser, on a route that asks for one. */
    static BrowserSessions.Signed signedIn(Context ctx) {
        return Optional.<BrowserSessions.Signed>ofNullable(ctx.attribute(SIGNED)).orElseThrow();
    }

    /** The signed-in browser when there is one ({@link Access#SIGN_OUT_FORM}). */
    static Optional<BrowserSessions.Signed> signedInIfAny(Context ctx) {
        return Optional.ofNullable(ctx.attribute(SIGNED));
    }

    /** The live session whose token came as {@code Authorization: Bearer} ({@link Access#CLI_TOKEN}). */
    static Session bearer(Context ctx) {
        return Optional.<Session>ofNullable(ctx.attribute(BEARER)).orElseThrow();
    }

    /** The token of {@code Authorization: Bearer <token>}, or empty. */
    static String bearerToken(Context ctx) {
        String h = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
    }

    /** True when the caller may go on; else it has been answered. */
    private boolean allowed(Access access, Context ctx) {
        return switch (access) {
            case ANYONE -> true;
            case BROWSER -> signedIn(ctx, browsers.find(ctx.cookie(BrowserSessions.COOKIE))) || signInFirst(ctx);
            case CLI_APPROVAL_FORM -> signedIn(ctx, formPoster(ctx)) || refused(ctx, "CLI sign-in refused",
                    "The form was not from this service's page, or your session ended. Run saml2nats login again.");
            case DEVICE_FORM -> signedIn(ctx, formPoster(ctx)) || backTo(ctx, "/device");
            case SESSIONS_FORM -> signedIn(ctx, formPoster(ctx)) || refused(ctx, "Not ended",
                    "The form was not from this service's page, or your session ended. Open the start page and try again.");
            case SIGN_OUT_FORM -> signOutForm(ctx);
            case CLI_TOKEN -> bearerSession(ctx) || CliJson.refused(ctx, HandoffError.INVALID_TOKEN);
            case ADMIN -> admin(ctx);
            case ADMIN_PAGE -> adminPerson(ctx, browsers.find(ctx.cookie(BrowserSessions.COOKIE)), true);
            case ADMIN_FORM -> adminPerson(ctx, formPoster(ctx), false);
            case SCIM_CLIENT -> scim.client(ctx);
        };
    }

    private static boolean signedIn(Context ctx, Optional<BrowserSessions.Signed> signed) {
        signed.ifPresent(s -> ctx.attribute(SIGNED, s));
        return signed.isPresent();
    }

    /** The signed-in browser when the form carries its CSRF token. */
    private Optional<BrowserSessions.Signed> formPoster(Context ctx) {
        return browsers.find(ctx.cookie(BrowserSessions.COOKIE))
                .filter(s -> sameSecret(s.entry().csrf(), ctx.formParam("csrf")));
    }

    /** A redirect to sign-in that comes back to this very page. */
    private static boolean signInFirst(Context ctx) {
        String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        return backTo(ctx, "/?return=" + URLEncoder.encode(here, StandardCharsets.UTF_8));
    }

    private static boolean backTo(Context ctx, String path) {
        ctx.redirect(path, HttpStatus.SEE_OTHER);
        return false;
    }

    private static boolean refused(Context ctx, String title, String message) {
        ctx.status(HttpStatus.FORBIDDEN).html(Pages.problem(title, message));
        return false;
    }

    private boolean signOutForm(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        if (signed.isPresent() && !sameSecret(signed.get().entry().csrf(), ctx.formParam("csrf"))) {
            return refused(ctx, "Sign-out refused", "The form was not from this page (CSRF check). Sign out from the page itself.");
        }
        signedIn(ctx, signed);
        return true;
    }

    private boolean bearerSession(Context ctx) {
        String token = bearerToken(ctx);
        Optional<Session> session = AccessToken.looksLikeToken(token)
                ? parts.sessions().findByToken(token).filter(s -> s.isLiveAt(parts.clock().instant())) : Optional.empty();
        session.ifPresent(s -> ctx.attribute(BEARER, s));
        return session.isPresent();
    }

    private boolean admin(Context ctx) {
        if (parts.config().adminToken().isEmpty()) {
            return CliJson.refused(ctx, HandoffError.ADMIN_OFF);
        }
        String given = bearerToken(ctx);
        return !given.isEmpty() && sameSecret(parts.config().adminToken().get().value(), given)
                || CliJson.refused(ctx, HandoffError.ADMIN_REFUSED);
    }

    /** A signed-in admin (by group and IdP); anyone else is answered. */
    private boolean adminPerson(Context ctx, Optional<BrowserSessions.Signed> signed, boolean page) {
        if (signed.isEmpty()) {
            return page ? signInFirst(ctx) : refused(ctx, "Not done",
                    "The form was not from the admin page, or your session ended. Open /admin and try again.");
        }
        var who = signed.get().session().identity();
        if (!AdminPage.isAdmin(parts.config().admins(), who)) {
            ctx.status(HttpStatus.FORBIDDEN).html(Pages.problem("Not an administrator",
                    AdminPage.needed(parts.config().admins(), who), "Back to your page"));
            return false;
        }
        return signedIn(ctx, signed);
    }

    static boolean sameSecret(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
