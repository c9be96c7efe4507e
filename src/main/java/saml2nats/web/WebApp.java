package saml2nats.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import saml2nats.config.Config;
import saml2nats.config.Durations;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.policy.PolicySource;
import saml2nats.session.Identity;
import saml2nats.session.SessionStore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static saml2nats.web.Html.esc;

/**
 * The HTTP face. All routes are in {@link #routes}; handlers are short and delegate.
 */
public final class WebApp implements AutoCloseable {
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Config config;
    private final SessionStore sessions;
    private final PolicySource policy;
    private final PrometheusMeterRegistry metrics;
    private final BooleanSupplier natsConnected;
    private Javalin app;

    public WebApp(Config config, SessionStore sessions, PolicySource policy, PrometheusMeterRegistry metrics,
                  BooleanSupplier natsConnected) {
        this.config = config;
        this.sessions = sessions;
        this.policy = policy;
        this.metrics = metrics;
        this.natsConnected = natsConnected;
    }

    public WebApp start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = 256 * 1024;
            cfg.jetty.port = config.httpPort();
            routes(cfg.routes);
        }).start();
        return this;
    }

    public int port() {
        return app.port();
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        r.before(this::securityHeaders);
        r.get("/", this::home);
        r.post("/dev/sign-in", this::devSignIn);
        r.get("/healthz", ctx -> ctx.result("ok"));
        r.get("/readyz", this::ready);
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        r.exception(Exception.class, (e, ctx) -> ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .html(Html.page("Something went wrong", "<div class=card><h1>Something went wrong</h1>"
                        + "<p class=muted>The request could not be completed. The service log has the details.</p></div>")));
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    private void ready(Context ctx) {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("nats_connected", natsConnected.getAsBoolean());
        checks.put("policy_loaded", policy.current() != null);
        boolean ok = !checks.containsValue(false);
        StringBuilder json = new StringBuilder("{\"ready\":").append(ok);
        checks.forEach((k, v) -> json.append(",\"").append(k).append("\":").append(v));
        ctx.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(json.append('}').toString());
    }

    private void home(Context ctx) {
        StringBuilder body = new StringBuilder("<div class=card><h1>Sign in to connect to NATS</h1>");
        if (!config.devIdp()) {
            body.append("<p class=muted>No identity provider is configured yet. An administrator adds one under <code>idps</code> in the service config.</p></div>");
        } else {
            body.append("<p class=muted>Development sign-in: pick a test person. This mode is for trying saml2nats on your own machine only.</p><div class=row>");
            for (Identity p : DevPeople.PEOPLE) {
                body.append("<form method=post action='/dev/sign-in'><input type=hidden name=person value='")
                        .append(esc(p.username())).append("'><button>").append(esc(p.displayName()))
                        .append("</button></form>");
            }
            body.append("</div></div>");
        }
        ctx.html(Html.page("Sign in", body.toString()));
    }

    private void devSignIn(Context ctx) {
        var person = config.devIdp() ? DevPeople.byUsername(ctx.formParam("person") == null ? "" : ctx.formParam("person")) : java.util.Optional.<Identity>empty();
        if (person.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).html(Html.page("Not found", "<div class=card><h1>Not found</h1></div>"));
            return;
        }
        SessionStore.Created created = sessions.create(person.get(), config.sessions().length());
        ctx.header("Cache-Control", "no-store");
        ctx.html(Html.page("Signed in", signedIn(created)));
    }

    private String signedIn(SessionStore.Created created) {
        Identity who = created.session().identity();
        Decision decision = policy.current().decide(who);
        String natsUrl = config.nats().url();
        String token = created.token();
        StringBuilder b = new StringBuilder();
        b.append("<div class=card><h1>Hello, ").append(esc(who.displayName())).append("</h1><table>")
                .append("<tr><th>email</th><td>").append(esc(who.email())).append("</td></tr>")
                .append("<tr><th>identity provider</th><td>").append(esc(who.idp())).append("</td></tr>")
                .append("<tr><th>groups</th><td>");
        who.groups().forEach(g -> b.append("<span class=tag>").append(esc(g)).append("</span>"));
        b.append("</td></tr><tr><th>session ends</th><td>").append(esc(created.session().expires().toString()))
                .append(" (in ").append(Durations.format(config.sessions().length())).append(")</td></tr></table></div>");
        b.append("<div class=card><h2>Your NATS grant</h2><pre>").append(esc(Explanation.of(decision))).append("</pre></div>");
        if (decision instanceof Decision.Allow) {
            b.append("<div class='card warn'><h2>Your access token</h2><p>Shown once. Treat it like a password: it connects as you until the session ends.</p><pre>")
                    .append(esc(token)).append("</pre><h2>Connect</h2><p class=muted>nats CLI</p><pre>")
                    .append(esc("nats --server " + natsUrl + " --token " + token + " pub dev.hello 'hi'"))
                    .append("</pre><p class=muted>jnats</p><pre>")
                    .append(esc("Connection nc = Nats.connect(new Options.Builder()\n    .server(\"" + natsUrl + "\")\n    .token(\"" + token + "\".toCharArray()).build());"))
                    .append("</pre><p class=muted>nats.go</p><pre>")
                    .append(esc("nc, err := nats.Connect(\"" + natsUrl + "\", nats.Token(\"" + token + "\"))"))
                    .append("</pre></div>");
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
