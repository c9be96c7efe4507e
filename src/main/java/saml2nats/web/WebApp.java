package saml2nats.web;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.scim.Provisioning;
import saml2nats.session.Ending;
import saml2nats.connections.Ledger;
import saml2nats.report.ReviewFormat;
import saml2nats.connections.Refusals;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.config.Config;
import saml2nats.handoff.CliHandoff;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;
import saml2nats.policy.PolicySource;
import saml2nats.saml.Binding;
import saml2nats.saml.BrowserBinding;
import saml2nats.saml.Outbound;
import saml2nats.saml.RequestLedger;
import saml2nats.saml.DevIdp;
import saml2nats.saml.IdpRegistry;
import saml2nats.saml.ResponseValidator;
import saml2nats.saml.ServiceProvider;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The HTTP face. Every route is in {@link #routes}; handlers are a few lines that
 * delegate to {@link SignIn}, the session store and {@link Pages}.
 */
public final class WebApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebApp.class);
    /**
     * Scripts: the signed-in page's copy buttons (/assets/copy.js, same origin) and, by its hash,
     * the one line that posts a SAML form on; no other inline script runs. Forms go here, to the
     * CLI's listener or an IdP.
     */
    private static final String CSP = "default-src 'none'; script-src 'self' " + Html.AUTO_SUBMIT_SOURCE + "; "
            + "style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self' http://127.0.0.1:*";
    private static final long MAX_POST_BYTES = 1024 * 1024;
    private static final String COPY_JS = resource("/web/copy.js");

    /**
     * Browser sign-ins (cookie to session) live as long as the longest session, and a minute
     * more; kept with the sessions, so a page may load from any replica.
     */
    public static Bucket browserBucket(Duration maxSession) {
        return new Bucket("browsers", maxSession.plusMinutes(1));
    }

    /** What the web front works with, wired in {@code Saml2Nats}. */
    public record Parts(Config config, SessionStore sessions, PolicySource policy, PrometheusMeterRegistry metrics,
                        BooleanSupplier natsConnected, IdpRegistry idps, ServiceProvider sp, ResponseValidator validator,
                        RequestLedger ledger, Optional<DevIdp> devIdp, AuditLog audit, Clock clock,
                        saml2nats.saml.OpenSaml saml, Slots browserSlots,
                        Optional<String> sentinelCreds, CliHandoff handoff,
                        java.util.function.Supplier<java.util.OptionalLong> serverMaxPayload,
                        Provisioning provisioning, Optional<Ledger> connections, Refusals refusals,
                        saml2nats.saml.IdpHealth idpHealth, saml2nats.callout.KeyBoundCreds creds) { }

    private final Parts parts;
    private final BrowserSessions browsers;
    private final SignIn signIn;
    private final SingleLogout slo;
    private final AccessRules access;
    private final CliApproval approvals;
    private final CliSignIn cliSignIn;
    private final CliTokenApi cliToken;
    private final AdminApi admin;
    private final AdminPage adminPage;
    private final ScimApi scim;
    private final boolean secureCookies;
    private final ClientAddresses addresses;
    private final SignInCookie signInCookie;
    private Javalin app;

    /** One address may start this many sign-ins a minute: a person retrying, a few tabs, an office behind one NAT. */
    static final int SIGN_IN_STARTS_PER_MINUTE = 60;

    public WebApp(Parts parts) {
        this.parts = parts;
        this.browsers = new BrowserSessions(parts.sessions(), new CookieStore(parts.browserSlots(), parts.clock()));
        this.signIn = new SignIn(parts.idps(), parts.sp(), parts.validator(), parts.ledger(), parts.sessions(), browsers,
                parts.audit(), parts.clock(), parts.config().sessions().length(),
                new ReturnUrls(parts.config().allowedReturnUrls()), parts.metrics(),
                new AddressLimit(SIGN_IN_STARTS_PER_MINUTE, Duration.ofMinutes(1), parts.config().sessions().max(), parts.clock()),
                parts.policy(), parts.provisioning(), parts.idpHealth());
        this.slo = new SingleLogout(parts.idps(), parts.sp(), parts.saml(), parts.sessions(), parts.ledger(), parts.audit(),
                parts.clock());
        this.addresses = new ClientAddresses(parts.config().trustedProxies());
        CliHandoff handoff = parts.handoff();
        this.scim = new ScimApi(parts.provisioning(), parts.metrics());
        this.access = new AccessRules(parts, browsers, scim);
        this.approvals = new CliApproval(parts, handoff);
        this.cliSignIn = new CliSignIn(parts, handoff, addresses, new CliStarts(parts.config().sessions().max(), parts.clock()));
        this.cliToken = new CliTokenApi(parts);
        this.admin = new AdminApi(parts);
        this.adminPage = new AdminPage(parts);
        String host = parts.config().publicUrl().getHost();
        this.secureCookies = !(parts.config().publicUrl().getScheme().equals("http")
                && (host.equals("localhost") || host.equals("127.0.0.1")));
        this.signInCookie = new SignInCookie(secureCookies);
    }

    /**
     * Listens on host:port; a port in use (or a host not on this machine) is one line
     * naming http_port / http_host, not a stack trace.
     */
    public WebApp start(String host, int port) throws CannotListen {
        Javalin created = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_POST_BYTES;
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            routes(cfg.routes);
        });
        try {
            app = created.start();
            return this;
        } catch (RuntimeException e) {
            created.stop();
            throw new CannotListen("http_port " + port + " on " + host + " (http_host): cannot listen, "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + "; stop whatever uses it or set http_port (or $SAML2NATS_HTTP_PORT)");
        }
    }

    /** Why the web front could not listen, in one line naming the setting. */
    public static final class CannotListen extends Exception {
        CannotListen(String message) {
            super(message);
        }
    }

    public int port() {
        return app.port();
    }

    /**
     * Every route, with who may call it ({@link Access}, checked before the handler runs). The link
     * of GET /cli/login is checked even before that: a stale link is refused, not sent to sign in.
     */
    private void routes(RoutesConfig r) {
        r.before(this::securityHeaders);
        r.beforeMatched("/cli/login", approvals::knownRequest);
        r.beforeMatched(access::check);
        r.get("/", this::home, Access.ANYONE);
        r.post("/route", this::routeByEmail, Access.ANYONE);
        r.get("/saml/{idp}/login", ctx -> answer(ctx, signIn.start(ctx.pathParam("idp"), ctx.queryParam("return"),
                Optional.ofNullable(ctx.cookie(signInCookie.name())), addresses.of(ctx))), Access.ANYONE);
        r.post("/saml/{idp}/acs", ctx -> acs(ctx, ctx.pathParam("idp")), Access.ANYONE);
        r.get("/saml/{idp}/metadata", this::metadata, Access.ANYONE);
        r.post("/logout", this::logout, Access.SIGN_OUT_FORM);
        r.post("/sessions/end", this::endOwnSession, Access.SESSIONS_FORM);
        r.get("/saml/{idp}/slo", ctx -> singleLogout(ctx, slo.redirected(ctx.pathParam("idp"), ctx.queryString(),
                ctx.queryParam("SAMLRequest") != null)), Access.ANYONE);
        // the IdP posts from its own site: no cookie and no CSRF token of ours come along, none is asked for
        r.post("/saml/{idp}/slo", ctx -> singleLogout(ctx, slo.posted(ctx.pathParam("idp"),
                Optional.ofNullable(ctx.formParam("SAMLRequest")))), Access.ANYONE);
        // server to server: the IdP's own HTTP client, no browser; the signed request is the credential
        r.post("/saml/{idp}/slo/soap", ctx -> {
            SingleLogout.SoapAnswer answer = slo.soap(ctx.pathParam("idp"), ctx.body());
            ctx.status(answer.status()).contentType("text/xml; charset=utf-8").result(answer.envelope());
        }, Access.ANYONE);
        r.get("/cli/login", approvals::loopbackAsk, Access.BROWSER);
        r.post("/cli/login", approvals::loopbackAnswer, Access.CLI_APPROVAL_FORM);
        r.post("/cli/login/start", cliSignIn::loopbackStart, Access.ANYONE);
        r.post("/cli/token", cliSignIn::loopbackToken, Access.ANYONE);
        r.post("/cli/device", cliSignIn::deviceStart, Access.ANYONE);
        r.post("/cli/device/token", cliSignIn::devicePoll, Access.ANYONE);
        r.get("/device", approvals::deviceEnter, Access.BROWSER);
        r.post("/device", approvals::deviceFind, Access.DEVICE_FORM);
        r.post("/device/answer", approvals::deviceAnswer, Access.DEVICE_FORM);
        r.get("/cli/whoami", cliToken::whoami, Access.CLI_TOKEN);
        r.post("/cli/logout", cliToken::logout, Access.CLI_TOKEN);
        r.post("/cli/creds/challenge", cliToken::credsChallenge, Access.CLI_TOKEN);
        r.post("/cli/creds", cliToken::creds, Access.CLI_TOKEN);
        r.get("/cli/sessions", cliToken::sessions, Access.CLI_TOKEN);
        r.post("/cli/sessions/end", cliToken::endSessions, Access.CLI_TOKEN);
        r.post("/admin/sessions/end", admin::endSessions, Access.ADMIN);
        r.get("/admin", adminPage::show, Access.ADMIN_PAGE);
        r.post("/admin/end", adminPage::end, Access.ADMIN_FORM);
        for (ReviewFormat f : ReviewFormat.values()) {
            r.get("/admin/report." + f.extension, ctx -> adminPage.report(ctx, f), Access.ADMIN_PAGE);
        }
        if (parts.provisioning().enabled()) {
            scim.routes(r);
        }
        r.get("/dev-idp/sso", this::devIdpPick, Access.ANYONE);
        r.post("/dev-idp/sso", this::devIdpAnswer, Access.ANYONE);
        // operator mode: the do-nothing bearer user every client connects with; it grants nothing by itself
        r.get("/sentinel.creds", ctx -> parts.sentinelCreds().ifPresentOrElse(c -> ctx.contentType("text/plain")
                .header("Content-Disposition", "attachment; filename=\"sentinel.creds\"").result(c),
                () -> ctx.status(HttpStatus.NOT_FOUND).html(Pages.notFound())), Access.ANYONE);
        r.get("/assets/copy.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(COPY_JS), Access.ANYONE);
        r.get("/healthz", ctx -> ctx.result("ok"), Access.ANYONE);
        r.get("/readyz", this::ready, Access.ANYONE);
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(parts.metrics().scrape()),
                Access.ANYONE);
        parts.sp().ownAcsPaths().forEach((path, idp) -> ownAcs(r, path, idp)); // last: a clash names the setting
        r.exception(Exception.class, (e, ctx) -> {
            log.warn("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).html(Pages.problem("Something went wrong",
                    "The request could not be completed. The service log has the details."));
        });
    }

    /** An IdP's Response, at its ACS path only (an IdP with an acs_path has none at /saml/{id}/acs). */
    private void acs(Context ctx, String idp) {
        if (!parts.sp().acsPath(idp).equals(ctx.path())) {
            ctx.status(HttpStatus.NOT_FOUND).html(Pages.notFound());
            return;
        }
        answer(ctx, signIn.finish(idp, ctx.formParam("SAMLResponse"), ctx.formParam("RelayState"),
                BrowserBinding.ofSecret(ctx.cookie(signInCookie.name())),
                new Session.Origin(Session.Origin.Kind.BROWSER, addresses.of(ctx), ctx.userAgent())));
    }

    private void ownAcs(RoutesConfig r, String path, String idp) {
        try {
            r.post(path, ctx -> acs(ctx, idp), Access.ANYONE);
        } catch (IllegalArgumentException taken) { // Javalin refuses a second handler for one path
            throw new IllegalArgumentException("idps[" + idp + "].acs_path: " + path + " is a path this service "
                    + "already answers; pick another, such as /saml/acs");
        }
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP + idpOrigins());
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    /**
     * Browsers hold a form's redirects to form-action too: sign-in by e-mail and
     * sign-out both post here and are sent on to an IdP, and HTTP-POST messages are
     * forms posted to the IdP itself, so its origins are allowed.
     */
    private String idpOrigins() {
        StringBuilder origins = new StringBuilder();
        for (var idp : parts.idps().all()) {
            for (String url : java.util.stream.Stream.concat(idp.trust().sso().urls().stream(),
                    idp.trust().slo().urls().stream()).toList()) {
                origin(url).filter(o -> origins.indexOf(" " + o) < 0).ifPresent(o -> origins.append(' ').append(o));
            }
        }
        return origins.toString();
    }

    private static Optional<String> origin(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()));
        } catch (IllegalArgumentException notAUrl) {
            return Optional.empty();
        }
    }

    private void home(Context ctx) {
        Optional<BrowserSessions.Signed> signed = browsers.find(ctx.cookie(BrowserSessions.COOKIE));
        // a page that needs sign-in (the CLI's) sends people here with ?return=, and gets them back
        Optional<String> back = Optional.ofNullable(ctx.queryParam("return")).filter(u -> u.startsWith("/"))
                .flatMap(signIn::returnTo);
        if (signed.isEmpty()) {
            ctx.html(Pages.signedOut(parts.idps().all(), back));
            return;
        }
        if (back.isPresent() && !back.get().equals("/")) {
            ctx.redirect(back.get(), HttpStatus.SEE_OTHER);
            return;
        }
        var s = signed.get();
        ctx.html(Pages.signedIn(s.session(), parts.policy().current().decide(s.session().identity()),
                browsers.takeToken(s), parts.config().nats().url(), s.entry().csrf(), parts.clock().instant(),
                parts.sentinelCreds().isPresent(), parts.serverMaxPayload().get(), parts.sessions().of(s.session().identity()),
                connectionsOf(parts, s.session().identity()), parts.refusals().of(s.session().identity()),
                AdminPage.isAdmin(parts.config().admins(), s.session().identity())));
    }

    /**
     * The person's own live NATS connections, over all their sessions, as the servers report them;
     * empty when the service has no system user and so no ledger.
     */
    static Optional<java.util.List<Ledger.Live>> connectionsOf(Parts parts, saml2nats.session.Identity who) {
        return parts.connections().map(l -> l.of(parts.sessions().of(who).stream().map(Session::id).toList()));
    }

    private void routeByEmail(Context ctx) {
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("");
        String back = Optional.ofNullable(ctx.formParam("return")).filter(u -> u.startsWith("/"))
                .map(u -> "?return=" + java.net.URLEncoder.encode(u, StandardCharsets.UTF_8)).orElse("");
        parts.idps().forEmail(email).ifPresentOrElse(idp -> ctx.redirect("/saml/" + idp.id() + "/login" + back),
                () -> ctx.status(HttpStatus.NOT_FOUND).html(Pages.problem("No sign-in for that address",
                        "No identity provider here handles " + email + ". Pick your company's button instead.")));
    }

    private void answer(Context ctx, SignIn.Outcome outcome) {
        if (outcome instanceof SignIn.Outcome.Go go) {
            go.cookie().ifPresent(c -> ctx.res().addHeader("Set-Cookie", cookie(c, parts.config().sessions().length())));
            go.signInSecret().ifPresent(secret -> ctx.res().addHeader("Set-Cookie", signInCookie.header(secret)));
            send(ctx, go.to());
        } else {
            SignIn.Outcome.Refused refused = (SignIn.Outcome.Refused) outcome;
            ctx.status(refused.status()).html(Pages.refused(refused));
        }
    }

    /** A message on to the IdP: a redirect, or (HTTP-POST) a page whose form the browser posts there. */
    private static void send(Context ctx, Outbound to) {
        if (to instanceof Outbound.Post post) {
            ctx.html(Pages.autoPost(post));
        } else {
            ctx.redirect(((Outbound.Redirect) to).url(), HttpStatus.SEE_OTHER);
        }
    }

    private void metadata(Context ctx) {
        if (parts.idps().find(ctx.pathParam("idp")).isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).html(Pages.notFound());
            return;
        }
        ctx.contentType("application/samlmetadata+xml").result(parts.sp().metadata(ctx.pathParam("idp")));
    }

    private void logout(Context ctx) {
        Optional<BrowserSessions.Signed> signed = AccessRules.signedInIfAny(ctx);
        signed.ifPresent(s -> signOut(s, ctx.formParam("everywhere") != null));
        ctx.header("Set-Cookie", cookie("", Duration.ZERO));
        // with an IdP that does single logout, sign out there too (SP-initiated SLO)
        send(ctx, signed.flatMap(s -> parts.idps().find(s.session().identity().idp()))
                .flatMap(idp -> parts.sp().logoutRequest(idp, signed.get().session().identity().subject(), parts.clock().instant()))
                .orElse(new Outbound.Redirect("/")));
    }

    /** POST /sessions/end: one of the person's own sessions, or all of them ({@code session=all}). */
    private void endOwnSession(Context ctx) {
        BrowserSessions.Signed signed = AccessRules.signedIn(ctx);
        Session me = signed.session();
        String which = Optional.ofNullable(ctx.formParam("session")).orElse("");
        String by = me.identity().subject();
        boolean all = which.equals(SessionStore.ALL);
        int ended = parts.sessions().endOwn(me.identity(), which,
                new Ending(all ? Ending.Cause.SIGN_OUT_EVERYWHERE : Ending.Cause.SIGN_OUT, by));
        parts.audit().record(AuditEvent.sessionsEnded(parts.clock().instant(), (all ? "signed out everywhere" : "ended "
                + which) + " from the web page, " + ended + " session(s)", Audited.person(me.identity())));
        if (all || which.equals(me.id())) {
            browsers.close(signed.cookie());
            ctx.header("Set-Cookie", cookie("", Duration.ZERO));
        }
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void signOut(BrowserSessions.Signed signed, boolean everywhere) {
        Identity who = signed.session().identity();
        if (everywhere) {
            parts.sessions().endAll(who.idp(), who.subject(), new Ending(Ending.Cause.SIGN_OUT_EVERYWHERE, who.subject()));
        }
        parts.sessions().end(signed.entry().tokenHash(),
                new Ending(Ending.Cause.SIGN_OUT, signed.session().identity().subject()));
        browsers.close(signed.cookie());
        parts.audit().record(AuditEvent.signedOut(parts.clock().instant(), "web", signed.session().id(),
                Audited.person(signed.session().identity())));
    }

    private void singleLogout(Context ctx, SingleLogout.Outcome outcome) {
        if (outcome instanceof SingleLogout.Outcome.Go go) {
            send(ctx, go.to());
        } else {
            SingleLogout.Outcome.Refused refused = (SingleLogout.Outcome.Refused) outcome;
            ctx.status(HttpStatus.FORBIDDEN).html(Pages.problem("Logout request refused", refused.reason()));
        }
    }

    private void devIdpPick(Context ctx) {
        if (parts.devIdp().isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).html(Pages.notFound());
            return;
        }
        try {
            parts.devIdp().get().read(Optional.ofNullable(ctx.queryParam("SAMLRequest")).orElse(""));
            ctx.html(Pages.devPick(ctx.queryParam("SAMLRequest"), ctx.queryParam("RelayState")));
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST).html(Pages.problem("Not a sign-in request", e.getMessage()));
        }
    }

    private void devIdpAnswer(Context ctx) {
        Optional<DevIdp.Person> person = DevIdp.person(Optional.ofNullable(ctx.formParam("person")).orElse(""));
        if (parts.devIdp().isEmpty() || person.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).html(Pages.notFound());
            return;
        }
        try {
            DevIdp.Request request = parts.devIdp().get().read(Optional.ofNullable(ctx.formParam("SAMLRequest")).orElse(""));
            ctx.html(Pages.postBack(request.acsUrl(), parts.devIdp().get().respond(request, person.get()), ctx.formParam("RelayState")));
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST).html(Pages.problem("Not a sign-in request", e.getMessage()));
        }
    }

    private void ready(Context ctx) {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("nats_connected", parts.natsConnected().getAsBoolean());
        checks.put("policy_loaded", parts.policy().current() != null);
        boolean ok = !checks.containsValue(false);
        StringBuilder json = new StringBuilder("{\"ready\":").append(ok);
        checks.forEach((k, v) -> json.append(",\"").append(k).append("\":").append(v));
        ctx.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(json.append('}').toString());
    }

    private String cookie(String value, Duration maxAge) {
        return BrowserSessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + maxAge.toSeconds()
                + (secureCookies ? "; Secure" : "");
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    private static String resource(String name) {
        try (var in = WebApp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
