package saml2nats.web;

import saml2nats.config.Durations;
import saml2nats.handoff.CliHandoff;
import saml2nats.policy.Decision;
import saml2nats.policy.Explanation;
import saml2nats.policy.Grant;
import saml2nats.saml.DevIdp;
import saml2nats.saml.IdentityProvider;
import saml2nats.saml.Outbound;
import saml2nats.saml.Step;
import saml2nats.session.Identity;
import saml2nats.session.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static saml2nats.web.Html.esc;

/** The pages people see. Server-rendered, readable without JavaScript. */
final class Pages {
    private Pages() { }

    static String signedOut(List<IdentityProvider> idps, Optional<String> back) {
        String query = back.filter(b -> !b.equals("/"))
                .map(b -> "?return=" + java.net.URLEncoder.encode(b, java.nio.charset.StandardCharsets.UTF_8)).orElse("");
        StringBuilder b = new StringBuilder("<div class=card><h1>Sign in to connect to NATS</h1>");
        if (idps.isEmpty()) {
            b.append("<p class=muted>No identity provider is configured yet. An administrator adds one under "
                    + "<code>idps</code> in the service config.</p></div>");
            return Html.page("Sign in", b.toString());
        }
        b.append("<p class=muted>Sign in with your company account. You will get a short-lived token for NATS with "
                + "the permissions of your groups.</p><div class=row>");
        for (IdentityProvider idp : idps) {
            b.append("<a class=button href='/saml/").append(esc(idp.id())).append("/login").append(esc(query)).append("'>")
                    .append(esc(idp.label())).append("</a>");
        }
        b.append("</div><form method=post action='/route' style='margin-top:18px' class=row>")
                .append(back.filter(x -> !x.equals("/")).map(x -> hidden("return", x)).orElse(""))
                .append("<input name=email type=email placeholder='you@company.com' required "
                        + "style='flex:1;padding:9px;border:1px solid #dfe3ea;border-radius:7px;font-size:15px'>")
                .append("<button class=secondary>Continue with email</button></form></div>");
        return Html.page("Sign in", b.toString());
    }

    static String signedIn(Session session, Decision decision, Optional<String> token, String natsUrl, String csrf,
                           Instant now, boolean sentinel, OptionalLong maxPayload, java.util.List<Session> mine,
                           Optional<java.util.List<saml2nats.connections.Ledger.Live>> connections,
                           java.util.List<saml2nats.connections.Refusals.Refusal> refused, boolean admin) {
        Identity who = session.identity();
        StringBuilder b = new StringBuilder();
        if (admin) {
            b.append("<div class=card><p style='margin:0'>You are an administrator: <a id=admin-link href='/admin'>open the "
                    + "admin page</a> (everyone's sessions, IdP status, the access review).</p></div>");
        }
        b.append("<div class=card><h1>Hello, ").append(esc(who.displayName())).append("</h1><table>")
                .append("<tr><th>email</th><td>").append(esc(who.email())).append("</td></tr>")
                .append("<tr><th>identity provider</th><td>").append(esc(who.idp())).append("</td></tr>")
                .append("<tr><th>groups</th><td>");
        who.groups().forEach(g -> b.append("<span class=tag>").append(esc(g)).append("</span>"));
        b.append("</td></tr><tr><th>session ends</th><td>").append(esc(session.expires().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC"))).append(" (in ")
                .append(Durations.format(Duration.between(now, session.expires()).withNanos(0).truncatedTo(java.time.temporal.ChronoUnit.MINUTES))).append(")</td></tr></table>")
                .append("<form method=post action='/logout' style='margin-top:14px'><input type=hidden name=csrf value='")
                .append(esc(csrf)).append("'>")
                .append(mine.size() > 1 ? "<label style='display:block;margin-bottom:8px'><input type=checkbox name=everywhere "
                        + "id=everywhere> also end my " + (mine.size() - 1) + " other session(s) (CLI and other browsers)</label>" : "")
                .append("<button class=secondary id=signout>Sign out</button></form></div>");
        b.append(sessionList(session, mine, csrf, now));
        b.append(connectionList(connections, now));
        b.append(refusalList(refused));
        b.append("<div class=card><h2>Your NATS grant</h2>");
        if (decision instanceof Decision.Deny deny) {
            b.append("<p><b>No NATS access.</b> None of your groups is mapped to a NATS role, so no token is issued. ")
                    .append("Ask an administrator to add one of your groups to the mapping file.</p><p class=muted>")
                    .append(esc(deny.reason())).append("</p></div>");
            return Html.page("Signed in", b.toString());
        }
        b.append("<pre>").append(esc(Explanation.of(decision, maxPayload))).append("</pre></div>");
        if (token.isPresent()) {
            b.append(connect(((Decision.Allow) decision).grant(), token.get(), natsUrl, sentinel));
        } else {
            b.append("<div class=card><p class=muted>Your access token was shown once, right after sign-in. "
                    + "To get a new one, sign out and sign in again.</p></div>");
        }
        return Html.page("Signed in", b.toString());
    }

    /**
     * The token and how to use it, built from the person's own grant: a subject they may
     * subscribe to and one they may publish to (a fixed {@code sub '>'} would be refused for
     * every role), a nats CLI context file to download, and copy buttons (web/copy.js).
     */
    private static String connect(Grant grant, String t, String natsUrl, boolean sentinel) {
        String server = "nats --server " + natsUrl + (sentinel ? " --creds sentinel.creds" : "") + " --token " + t;
        StringBuilder b = new StringBuilder("<div class='card warn'><h2>Your access token</h2><p>Shown once. Treat it "
                + "like a password: it connects as you until the session ends.</p>")
                .append(copyable("token", t)).append("<h2>Connect</h2>")
                .append(sentinel ? "<p>This NATS runs in operator mode: connect with the <a href='/sentinel.creds'>sentinel "
                        + "creds</a> (they grant nothing by themselves) and your token, or use <code>saml2nats login</code>, "
                        + "which sets both up.</p>" : "");
        StringBuilder cli = new StringBuilder();
        grant.subscribeExample().ifPresent(sub -> cli.append(server).append(" sub '").append(sub).append("'\n"));
        grant.publishExample().ifPresent(pub -> cli.append(server).append(" pub '").append(pub).append("' hello\n"));
        b.append("<p class=muted>nats CLI</p>").append(copyable("nats-cli", cli.toString().strip()))
                .append("<p>Or download a <a id=context download='saml2nats.json' href='data:application/json;base64,")
                .append(java.util.Base64.getEncoder().encodeToString(NatsContextFile.json(natsUrl, t, sentinel)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .append("'>nats CLI context</a>, save it as <code>~/.config/nats/context/saml2nats.json</code> and use ")
                .append("<code>nats --context saml2nats</code>").append(sentinel ? " (with sentinel.creds beside it)" : "")
                .append(".</p><p class=muted>jnats</p>")
                .append(copyable("jnats", "Connection nc = Nats.connect(new Options.Builder()\n    .server(\"" + natsUrl
                        + "\")\n    .token(\"" + t + "\".toCharArray()).build());"))
                .append("<p class=muted>nats.go</p>")
                .append(copyable("nats-go", "nc, err := nats.Connect(\"" + natsUrl + "\", nats.Token(\"" + t + "\"))"))
                .append("</div><script src='/assets/copy.js'></script>");
        return b.toString();
    }

    /** A block of text with a copy button that only shows when the page's script runs (readable without it). */
    private static String copyable(String id, String text) {
        return "<div class=copyable><pre id=" + id + ">" + esc(text) + "</pre><button type=button class=secondary "
                + "data-copy='" + esc(id) + "' hidden>Copy</button></div>";
    }

    static String refused(SignIn.Outcome.Refused r) {
        StringBuilder b = new StringBuilder("<div class=card><h1>").append(esc(r.title())).append("</h1><p>")
                .append(esc(r.reason())).append("</p><p class=muted>Reason code: <code>").append(esc(r.code().name()))
                .append("</code>. An administrator can see every check with <code>saml2nats saml inspect</code>.</p>")
                .append("<p><a class=button href='/'>Back to sign-in</a></p></div>");
        if (r.steps().stream().filter(Step::failed).count() > 1) {
            b.append("<div class=card><h2>Everything that failed</h2><ul>");
            r.steps().stream().filter(Step::failed).forEach(s -> b.append("<li><code>").append(esc(s.code().name()))
                    .append("</code> ").append(esc(s.message())).append("</li>"));
            b.append("</ul></div>");
        }
        return Html.page(r.title(), b.toString());
    }

    static String devPick(String samlRequest, String relayState) {
        StringBuilder b = new StringBuilder("<div class='card warn'><h1>Development sign-in</h1><p>This identity provider "
                + "is built into saml2nats for trying it out (<code>dev_idp: true</code>). Pick a test person.</p><div class=row>");
        for (DevIdp.Person p : DevIdp.PEOPLE) {
            b.append("<form method=post action='/dev-idp/sso'>").append(hidden("SAMLRequest", samlRequest))
                    .append(hidden("RelayState", relayState)).append(hidden("person", p.username()))
                    .append("<button>").append(esc(p.name())).append("</button><div class=muted style='font-size:13px'>")
                    .append(esc(String.join(", ", p.groups()))).append("</div></form>");
        }
        return Html.page("Development sign-in", b.append("</div></div>").toString());
    }

    static String postBack(String acs, String samlResponse, String relayState) {
        return Html.page("Continue", "<div class=card><h1>Signed in at the development IdP</h1><p>Continue to saml2nats.</p>"
                + "<form method=post action='" + esc(acs) + "'>" + hidden("SAMLResponse", samlResponse)
                + hidden("RelayState", relayState) + "<button id=continue>Continue</button></form></div>");
    }

    /**
     * An HTTP-POST message on its way to the IdP: a form with a Continue button, which works
     * without JavaScript, and the one script the CSP allows (by hash) to post it at once.
     */
    static String autoPost(Outbound.Post post) {
        return Html.page("Continue", "<div class=card><h1>On to your identity provider</h1><p>Your browser is taking "
                + "a SAML message there. If nothing happens, press Continue.</p><form id=saml-post method=post action='"
                + esc(post.action()) + "'>" + hidden(post.parameter(), post.message())
                + post.relayState().map(r -> hidden("RelayState", r)).orElse("")
                + "<button id=continue>Continue</button></form></div><script>" + Html.AUTO_SUBMIT + "</script>");
    }

    static String cliAllow(Session session, Decision decision, CliHandoff.Waiting waiting, String request, String csrf,
                           Instant now, OptionalLong maxPayload) {
        StringBuilder b = new StringBuilder("<div class=card><h1>Sign in the saml2nats command line?</h1>")
                .append(requestTable(waiting, session, now))
                .append("<p><b>saml2nats login</b> asks for a NATS token as you. It gets its own session, which ends no "
                        + "later than this one; sign it out with <code>saml2nats logout</code>.</p>")
                .append("<p class=muted>Allow only if you just ran <code>saml2nats login</code> yourself and your "
                        + "terminal shows this code. If someone sent you this link, cancel: it was started elsewhere.</p>");
        if (decision instanceof Decision.Deny deny) {
            b.append("<p><b>No NATS access.</b> None of your groups is mapped to a NATS role, so no token can be issued.</p>")
                    .append("<p class=muted>").append(esc(deny.reason())).append("</p>");
        } else {
            b.append("<pre>").append(esc(Explanation.of(decision, maxPayload))).append("</pre>");
        }
        b.append("<form method=post action='/cli/login' class=row>").append(hidden("csrf", csrf))
                .append(hidden("request", request))
                .append("<button name=answer value=allow id=allow>Allow</button>")
                .append("<button name=answer value=deny class=secondary id=deny>Cancel</button></form></div>");
        return Html.page("Allow the CLI", b.toString());
    }

    /** Which code, asked from where, when, and as whom: what a person checks before approving a CLI. */
    private static String requestTable(CliHandoff.Waiting waiting, Session session, Instant now) {
        return "<table><tr><th>code</th><td><code id=code>" + esc(waiting.userCode()) + "</code></td></tr>"
                + "<tr><th>asked from</th><td>" + esc(waiting.requestedFrom()) + "</td></tr>"
                + "<tr><th>asked</th><td>" + esc(Durations.format(Duration.between(waiting.requested(), now).withNanos(0)))
                + " ago</td></tr><tr><th>as</th><td>" + esc(session.identity().displayName()) + " ("
                + esc(session.identity().email()) + ")</td></tr></table>";
    }

    static String deviceEnter(String prefill, String csrf, String error) {
        StringBuilder b = new StringBuilder("<div class=card><h1>Sign in a device</h1>")
                .append("<p>Enter the code that <code>saml2nats login --device</code> shows in the terminal.</p>");
        if (!error.isEmpty()) {
            b.append("<p class='card warn' id=error>").append(esc(error)).append("</p>");
        }
        b.append("<form method=post action='/device' class=row>").append(hidden("csrf", csrf))
                .append("<input name=user_code id=user_code autocomplete=off autocapitalize=characters spellcheck=false "
                        + "placeholder='BCDF-GHJK' maxlength=20 value='").append(esc(prefill)).append("' required "
                        + "style='flex:1;padding:9px;border:1px solid #dfe3ea;border-radius:7px;font:20px ui-monospace,monospace;letter-spacing:2px'>")
                .append("<button id=continue>Continue</button></form></div>");
        return Html.page("Sign in a device", b.toString());
    }

    static String deviceConfirm(Session session, Decision decision, CliHandoff.Waiting waiting, String csrf, Instant now,
                                OptionalLong maxPayload) {
        StringBuilder b = new StringBuilder("<div class=card><h1>Approve this sign-in?</h1>")
                .append(requestTable(waiting, session, now))
                .append("<p class=muted>Approve only if you started <code>saml2nats login --device</code> yourself and "
                        + "your terminal shows this code. If someone sent you this code or a link with it, decline: "
                        + "approving would sign their device in as you. The device gets its own session, ending no "
                        + "later than this one.</p>");
        if (decision instanceof Decision.Deny) {
            b.append("<p><b>No NATS access.</b> None of your groups is mapped to a NATS role, so no token can be issued.</p>");
        } else {
            b.append("<pre>").append(esc(Explanation.of(decision, maxPayload))).append("</pre>");
        }
        b.append("<form method=post action='/device/answer' class=row>").append(hidden("csrf", csrf))
                .append(hidden("user_code", waiting.userCode()))
                .append("<button name=answer value=allow id=approve>Approve</button>")
                .append("<button name=answer value=deny class=secondary id=decline>Decline</button></form></div>");
        return Html.page("Approve sign-in", b.toString());
    }

    static String deviceDone(boolean approved) {
        return Html.page(approved ? "Device signed in" : "Device not signed in", approved
                ? "<div class=card><h1>Device signed in</h1><p>Go back to your terminal: saml2nats login picks up the "
                        + "token within a few seconds. You can close this page.</p></div>"
                : "<div class=card><h1>Device not signed in</h1><p>The code is spent; the terminal will say so. "
                        + "Run <code>saml2nats login --device</code> again to start over.</p></div>");
    }

    static String notFound() {
        return Html.page("Not found", "<div class=card><h1>Not found</h1><p><a href='/'>Back to sign-in</a></p></div>");
    }

    static String problem(String title, String message) {
        return problem(title, message, "Back to sign-in");
    }

    /** A problem page whose one button goes to {@code /}, named for where that takes this person. */
    static String problem(String title, String message, String back) {
        return Html.page(title, "<div class=card><h1>" + esc(title) + "</h1><p>" + esc(message)
                + "</p><p><a class=button href='/'>" + esc(back) + "</a></p></div>");
    }

    /**
     * The person's sessions (browser, CLI loopback, CLI device): when, from where, until when,
     * each with a button that ends it (and kicks its connections), and one for all of them.
     */
    static String sessionList(Session current, java.util.List<Session> mine, String csrf, Instant now) {
        StringBuilder b = new StringBuilder("<div class=card id=sessions><h2>Your sessions</h2><table>"
                + "<tr><th>kind</th><th>since</th><th>from</th><th>ends</th><th></th></tr>");
        for (Session s : mine) {
            b.append("<tr><td>").append(esc(s.origin().kind().words())).append(s.id().equals(current.id()) ? " (this one)" : "")
                    .append("</td><td>").append(esc(utc(s.created()))).append("</td><td>")
                    .append(esc(s.origin().address().isEmpty() ? "unknown" : s.origin().address()))
                    .append(s.origin().userAgent().isEmpty() ? "" : "<br><span class=muted>" + esc(s.origin().userAgent()) + "</span>")
                    .append("</td><td>").append(esc(utc(s.expires()))).append("</td><td>")
                    .append("<form method=post action='/sessions/end'>").append(hidden("csrf", csrf)).append(hidden("session", s.id()))
                    .append("<button class=secondary aria-label='End the session from ").append(esc(utc(s.created())))
                    .append("'>End</button></form></td></tr>");
        }
        b.append("</table><form method=post action='/sessions/end' style='margin-top:12px'>").append(hidden("csrf", csrf))
                .append(hidden("session", "all")).append("<button id=everywhere-button>Sign out everywhere</button></form>")
                .append("<p class=muted>Ending a session closes its NATS connections at once.</p></div>");
        return b.toString();
    }

    /** The person's live NATS connections, from the servers' own reports: where from, which client, since when, which server. */
    static String connectionList(Optional<java.util.List<saml2nats.connections.Ledger.Live>> connections, Instant now) {
        StringBuilder b = new StringBuilder("<div class=card id=connections><h2>Your NATS connections</h2>");
        if (connections.isEmpty()) {
            return b.append("<p class=muted>Not shown: this service has no NATS system user, so the servers do not tell it "
                    + "who is connected.</p></div>").toString();
        }
        if (connections.get().isEmpty()) {
            return b.append("<p>None connected now.</p></div>").toString();
        }
        b.append("<table><tr><th>from</th><th>client</th><th>since</th><th>server</th></tr>");
        for (var live : connections.get()) {
            var c = live.connection();
            b.append("<tr><td>").append(esc(c.host().isEmpty() ? "unknown" : c.host())).append("</td><td>")
                    .append(esc(c.name().isEmpty() ? "(no name)" : c.name())).append("</td><td>").append(esc(utc(c.since())))
                    .append(" <span class=muted>(").append(esc(ago(c.since(), now))).append(")</span></td><td>")
                    .append(server(c.serverName())).append("</td></tr>");
        }
        return b.append("</table><p class=muted>Ending the session a connection came from closes it.</p></div>").toString();
    }

    /**
     * The person's most recent refused connects and why, in words: a NATS client is told only
     * "Authorization Violation". Nothing shows when there were none.
     */
    static String refusalList(java.util.List<saml2nats.connections.Refusals.Refusal> refused) {
        if (refused.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=card id=refused><h2>Refused connects</h2>"
                + "<p class=muted>Your NATS client only hears \"Authorization Violation\". Here is why, most recent first.</p><table>"
                + "<tr><th>when</th><th>why</th></tr>");
        for (var r : refused) {
            b.append("<tr><td>").append(esc(utc(r.at()))).append("</td><td>").append(esc(r.words()))
                    .append(" <span class=muted>(").append(esc(r.code())).append(")</span></td></tr>");
        }
        return b.append("</table></div>").toString();
    }

    /**
     * A server as people read it: its name, or for a server without {@code server_name} its
     * 56-character id cut to 12 (the whole id in the title), which would not fit a phone's width.
     */
    static String server(String name) {
        return name.length() <= 20 ? esc(name) : "<span title='" + esc(name) + "'>" + esc(name.substring(0, 12)) + "…</span>";
    }

    /** How long ago, to the minute: {@code just now}, {@code 5m ago}, {@code 2h3m ago}. */
    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        return d.isNegative() || d.isZero() ? "just now" : Durations.format(d) + " ago";
    }

    static String utc(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }

    private static String hidden(String name, String value) {
        return "<input type=hidden name='" + esc(name) + "' value='" + esc(value == null ? "" : value) + "'>";
    }
}
