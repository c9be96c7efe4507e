package saml2nats.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import saml2nats.audit.AuditEvent;
import saml2nats.config.Config;
import saml2nats.connections.Ledger;
import saml2nats.connections.ServerConnection;
import saml2nats.connections.SystemApi;
import saml2nats.report.AccessReview;
import saml2nats.report.Holdings;
import saml2nats.report.ReviewFormat;
import saml2nats.session.Ending;
import saml2nats.session.Identity;
import saml2nats.session.Session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static saml2nats.web.Html.esc;
import static saml2nats.web.Pages.utc;

/**
 * {@code /admin}, for the people {@code admin:} names (a SAML group at an IdP): every live session
 * by person with its live connections, and "end this session" / "end all of this person", each
 * asking to confirm on a page of its own (no JavaScript), CSRF-checked, audited with the admin's
 * identity. The static admin token stays for automation ({@link AdminApi}).
 */
final class AdminPage {
    private final WebApp.Parts parts;

    AdminPage(WebApp.Parts parts) {
        this.parts = parts;
    }

    /** Whether this person may use the admin page: signed in through an admin IdP, holding an admin group. */
    static boolean isAdmin(Config.Admins admins, Identity who) {
        return admins.enabled() && (admins.idps().isEmpty() || admins.idps().contains(who.idp()))
                && who.groups().stream().anyMatch(admins.groups()::contains);
    }

    /** The 403 page's sentence: which group (and IdP) the page needs, and what this person has. */
    static String needed(Config.Admins admins, Identity who) {
        if (!admins.enabled()) {
            return "The admin page is off: this service's config names no admin group (admin: { groups: [...] }).";
        }
        return "This page is for members of " + String.join(" or ", admins.groups())
                + (admins.idps().isEmpty() ? "" : " signed in through " + String.join(" or ", admins.idps()))
                + ". You are signed in as " + who.email() + " through " + who.idp() + " with the groups ["
                + String.join(", ", who.groups()) + "]. Ask your identity provider's administrator for the group.";
    }

    /** GET /admin: live sessions by person, and their connections. */
    void show(Context ctx) {
        BrowserSessions.Signed admin = AccessRules.signedIn(ctx);
        Instant now = parts.clock().instant();
        Map<String, List<Session>> byPerson = new LinkedHashMap<>();
        parts.sessions().live().stream().sorted(Comparator.comparing((Session s) -> s.identity().idp())
                        .thenComparing(s -> s.identity().subject()).thenComparing(Session::created))
                .forEach(s -> byPerson.computeIfAbsent(s.identity().idp() + "\n" + s.identity().subject(),
                        k -> new ArrayList<>()).add(s));
        Optional<List<Ledger.Live>> live = parts.connections().map(Ledger::all);
        Map<ServerConnection.Key, SystemApi.Counts> traffic = live.filter(l -> !l.isEmpty())
                .map(l -> parts.connections().get().traffic()).orElse(Map.of());
        StringBuilder b = new StringBuilder("<div class=card><h1>Admin</h1><p>Signed in as ")
                .append(esc(admin.session().identity().email())).append(". ").append(byPerson.size())
                .append(byPerson.size() == 1 ? " person" : " people").append(" with live sessions.</p><p>")
                .append("<a href='#sessions'>Sessions</a> · <a href='#idps'>Identity providers</a> · <a href='#mapping'>Mapping</a>")
                .append(" · <a href='#scim'>SCIM</a> · <a href='/'>Your page</a></p><p>Access review: ")
                .append("<a href='/admin/report.html' download>HTML</a> · <a href='/admin/report.csv' download>CSV</a> · ")
                .append("<a href='/admin/report.md' download>Markdown</a></p></div>");
        b.append("<div id=sessions></div>");
        for (List<Session> sessions : byPerson.values()) {
            Identity who = sessions.get(0).identity();
            b.append("<div class=card><h2>").append(esc(who.displayName())).append("</h2><p>")
                    .append(esc(who.email())).append(" · IdP ").append(esc(who.idp())).append(" · groups ");
            who.groups().forEach(g -> b.append("<span class=tag>").append(esc(g)).append("</span>"));
            // a wide table scrolls inside its card at phone width instead of widening the page
            b.append("</p><div class=scroll><table><tr><th>kind</th><th>started</th><th>expires</th><th>live connections</th><th></th></tr>");
            for (Session s : sessions) {
                b.append("<tr><td>").append(esc(s.origin().kind().words())).append("</td><td>").append(esc(utc(s.created())))
                        .append("</td><td>").append(esc(utc(s.expires()))).append("</td><td>")
                        .append(connections(live, traffic, s)).append("</td><td>")
                        .append(form("session", s.id(), admin, "End this session", "End the session of "
                                + who.email() + " from " + utc(s.created()))).append("</td></tr>");
            }
            b.append("</table></div>").append(form("person", who.idp() + "\n" + who.subject(), admin, "End all of this person",
                    "End every session of " + who.email())).append("</div>");
        }
        b.append(AdminStatus.idps(parts.idpHealth(), parts.idps().all(), refreshing(), now))
                .append(AdminStatus.mapping(parts.policy().status(), now))
                .append(AdminStatus.scim(parts.provisioning().enabled(), parts.provisioning().activity().all(), now));
        ctx.html(Html.page("Admin", b.toString()));
    }

    /** The IdPs whose metadata comes from a URL, fetched again on a schedule. */
    private java.util.Set<String> refreshing() {
        java.util.Set<String> out = new java.util.HashSet<>();
        parts.config().idps().stream().filter(i -> i.metadataUrl().isPresent()).forEach(i -> out.add(i.id()));
        return out;
    }

    private static String connections(Optional<List<Ledger.Live>> live, Map<ServerConnection.Key, SystemApi.Counts> traffic,
                                      Session s) {
        if (live.isEmpty()) {
            return "<span class=muted>not known (no NATS system user)</span>";
        }
        StringBuilder b = new StringBuilder();
        for (Ledger.Live l : live.get()) {
            if (l.session().equals(s.id())) {
                var c = l.connection();
                b.append("<div style='margin-bottom:6px'><b>").append(esc(c.name().isEmpty() ? "(no name)" : c.name()))
                        .append("</b> from ").append(esc(c.host())).append(" on ").append(Pages.server(c.serverName()))
                        .append("<br><span class=muted>since ").append(esc(utc(c.since())));
                SystemApi.Counts n = traffic.get(c.key());
                if (n != null) {
                    b.append(" · published ").append(n.publishedMsgs()).append(" msgs / ").append(n.publishedBytes())
                            .append(" B, received ").append(n.deliveredMsgs()).append(" msgs / ").append(n.deliveredBytes()).append(" B");
                }
                b.append("</span></div>");
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    private static String form(String field, String value, BrowserSessions.Signed admin, String label, String aria) {
        return "<form method=post action='/admin/end'><input type=hidden name=csrf value='" + esc(admin.entry().csrf())
                + "'><input type=hidden name='" + field + "' value='" + esc(value) + "'><button class=secondary aria-label='"
                + esc(aria) + "'>" + esc(label) + "</button></form>";
    }

    /**
     * GET /admin/report.{html,csv,md}: the access review of the policy in force and, when the service
     * writes its audit log to a file, of that log (read whole: a year of lines takes a while).
     */
    void report(Context ctx, ReviewFormat format) {
        Instant now = parts.clock().instant();
        AccessReview review;
        try {
            review = AccessReview.read(parts.policy().current(), parts.config().auditLog(), Holdings.Window.ALL,
                    "This service writes its audit log to stdout (audit_log is not a file), so it cannot read it back: "
                            + "run saml2nats report --config CFG --audit FILE on the collected log.", now);
        } catch (java.io.IOException e) {
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).html(Pages.problem("No access review", "The audit log "
                    + parts.config().auditLog().orElseThrow() + " cannot be read here (" + e.getClass().getSimpleName()
                    + "). Run saml2nats report on a copy of it.", "Back to your page"));
            return;
        }
        ctx.contentType(format.contentType).header("Content-Disposition", "attachment; filename=\"nats-access-review-"
                + now.toString().substring(0, 10) + "." + format.extension + "\"").result(format.render(review));
    }

    /**
     * POST /admin/end (session, or person as idp and NameID): without {@code confirm=yes} a page that
     * asks; with it, ends what is named (which kicks its connections) and says how many ended.
     */
    void end(Context ctx) {
        BrowserSessions.Signed admin = AccessRules.signedIn(ctx);
        Identity me = admin.session().identity();
        String sessionId = Optional.ofNullable(ctx.formParam("session")).orElse("");
        String person = Optional.ofNullable(ctx.formParam("person")).orElse("");
        Optional<Session> one = sessionId.isEmpty() ? Optional.empty()
                : parts.sessions().live().stream().filter(s -> s.id().equals(sessionId)).findFirst();
        List<Session> theirs = person.contains("\n") ? parts.sessions().live().stream().filter(s ->
                (s.identity().idp() + "\n" + s.identity().subject()).equals(person)).toList() : List.of();
        List<Session> named = one.map(List::of).orElse(theirs);
        if (named.isEmpty()) {
            ctx.status(HttpStatus.CONFLICT).html(Pages.problem("Nothing to end", (sessionId.isEmpty()
                    ? "That person has no live session any more" : "That session has already ended")
                    + " (it expired, or was ended meanwhile). Nothing was changed; open /admin again for the list as it is now."));
            return;
        }
        Identity whose = named.get(0).identity();
        String what = one.isPresent() ? "the " + one.get().origin().kind().words() + " session of " + whose.email()
                + " from " + utc(one.get().created()) : "all " + named.size() + " session(s) of " + whose.email();
        if (!"yes".equals(ctx.formParam("confirm"))) {
            ctx.html(Html.page("Confirm", "<div class=card><h1>End " + esc(what) + "?</h1><p>Their NATS connections "
                    + "close at once and the token(s) stop working.</p><form method=post action='/admin/end'>"
                    + "<input type=hidden name=csrf value='" + esc(admin.entry().csrf()) + "'><input type=hidden name='"
                    + (one.isPresent() ? "session" : "person") + "' value='" + esc(one.isPresent() ? sessionId : person)
                    + "'><input type=hidden name=confirm value=yes><button id=confirm>Yes, end "
                    + (one.isPresent() ? "it" : "them") + "</button> <a href='/admin'>No, back</a></form></div>"));
            return;
        }
        Ending why = new Ending(Ending.Cause.ADMIN, me.email().isEmpty() ? me.subject() : me.email());
        List<String> ids = named.stream().map(Session::id).toList();
        int ended = parts.sessions().endWhere(s -> ids.contains(s.id()), why);
        parts.audit().record(AuditEvent.sessionsEnded(parts.clock().instant(), "ended by admin " + why.by()
                + " on the admin page, " + ended + " session(s)", Audited.person(whose)));
        ctx.html(Html.page("Ended", "<div class=card><h1>Ended</h1><p>" + esc(what) + ": " + ended
                + " session(s) ended, their connections kicked.</p><p><a href='/admin'>Back to the admin page</a></p></div>"));
    }
}
