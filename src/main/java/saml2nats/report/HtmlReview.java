package saml2nats.report;

import java.util.List;

/**
 * The review as one self-contained page (no scripts, no fetched styles) that reads on screen and
 * prints well: A4 landscape, table headers repeated on each page, rows never split, no colour needed.
 */
final class HtmlReview {
    private static final String STYLE = """
            body { font: 13px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #1d2433; margin: 24px; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 26px 0 8px; }
            p { margin: 4px 0; } .muted { color: #5b6478; }
            table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
            th, td { text-align: left; vertical-align: top; padding: 4px 6px; border: 1px solid #c9ced8; }
            th { background: #eef1f6; font-weight: 600; }
            code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
            @page { size: A4 landscape; margin: 14mm; }
            @media print {
              body { margin: 0; font-size: 10.5px; }
              thead { display: table-header-group; }
              tr, td, th { page-break-inside: avoid; break-inside: avoid; }
              h2 { page-break-after: avoid; break-after: avoid; }
              th { background: none; }
            }
            """;

    private HtmlReview() {
    }

    static String render(AccessReview review) {
        StringBuilder b = new StringBuilder("<!doctype html><html lang=en><head><meta charset=utf-8>"
                + "<meta name=viewport content='width=device-width, initial-scale=1'><title>NATS access review</title><style>")
                .append(STYLE).append("</style></head><body><h1>NATS access review</h1><p class=muted>Policy <code>")
                .append(esc(review.policyFile())).append("</code>, generated ").append(esc(Cells.time(review.generated())))
                .append(". A person gets the first matching role's account; later roles for the same account add their "
                        + "subjects. A direction a role does not allow is closed.</p>");
        b.append("<h2>Roles</h2>");
        head(b, "role", "IdP groups", "IdPs", "account", "publish", "subscribe", "responses", "JWT ttl");
        for (AccessReview.RoleRow r : review.roles()) {
            row(b, "id='role-" + esc(r.role()) + "'", esc(r.role()) + " <span class=muted>line " + r.line() + "</span>",
                    esc(Cells.groups(r)), esc(Cells.idps(r.idps())), esc(r.account()),
                    code(Cells.direction(r.publishAllow(), r.publishDeny())),
                    code(Cells.direction(r.subscribeAllow(), r.subscribeDeny())),
                    r.responses() ? "may answer requests" : "no", esc(Cells.ttl(r.ttl())));
        }
        b.append("</tbody></table><h2>What each IdP group grants</h2>");
        head(b, "IdP group", "IdPs", "role", "account");
        for (AccessReview.GroupRow g : review.groups()) {
            row(b, "", esc(g.group()), esc(Cells.idps(g.idps())), esc(g.role()), esc(g.account()));
        }
        b.append("</tbody></table><h2>Who held which grant</h2>");
        if (review.history().isEmpty()) {
            return b.append("<p>").append(esc(review.source())).append("</p></body></html>").toString();
        }
        Holdings h = review.history().get();
        b.append("<p class=muted>From ").append(esc(review.source())).append(", ").append(esc(Cells.window(h.window())))
                .append(": ").append(h.lines()).append(" lines read. Connects are the connections the service let in; "
                        + "sign-outs, the sessions the person ended; revocations, the times the company cut them off "
                        + "(IdP logout, an admin, SCIM, a mapping edit, a restart).</p>");
        head(b, "person", "IdP", "role", "account", "first connect", "last connect", "connects", "sessions", "sign-outs",
                "revocations");
        for (Holdings.Holding x : h.holdings()) {
            row(b, "", Cells.person(x).equals(x.subject()) ? esc(x.subject()) : esc(x.email()) + "<br><span class=muted>"
                    + esc(x.subject()) + "</span>", esc(x.idp()), esc(x.role()),
                    esc(x.account()), x.firstConnect() == null ? "never connected" : esc(Cells.time(x.firstConnect())),
                    esc(Cells.time(x.lastConnect())), String.valueOf(x.connects()), String.valueOf(x.sessions()),
                    String.valueOf(x.signOuts()), String.valueOf(x.revocations()));
        }
        b.append("</tbody></table>");
        if (h.skippedCount() > 0) {
            b.append("<h2>Lines skipped</h2><p>").append(h.skippedCount()).append(" line(s) of the audit log could not be read")
                    .append(h.skippedCount() > h.skipped().size() ? "; the first " + h.skipped().size() + " are listed" : "")
                    .append(". Everything else above counts.</p>");
            head(b, "line", "problem");
            for (Holdings.Skipped s : h.skipped()) {
                row(b, "", String.valueOf(s.line()), esc(s.words()));
            }
            b.append("</tbody></table>");
        }
        return b.append("</body></html>").toString();
    }

    private static void head(StringBuilder b, String... columns) {
        b.append("<table><thead><tr>");
        for (String c : columns) {
            b.append("<th>").append(esc(c)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
    }

    private static void row(StringBuilder b, String attributes, String... cells) {
        b.append("<tr").append(attributes.isEmpty() ? "" : " " + attributes).append('>');
        for (String c : List.of(cells)) {
            b.append("<td>").append(c).append("</td>");
        }
        b.append("</tr>");
    }

    private static String code(String text) {
        return "<code>" + esc(text) + "</code>";
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
