package saml2nats.report;

import java.util.List;

/** The review as Markdown tables, for a ticket or a wiki page. */
final class MarkdownReview {
    private MarkdownReview() {
    }

    static String render(AccessReview review) {
        StringBuilder b = new StringBuilder("# NATS access review\n\n")
                .append("Policy `").append(review.policyFile()).append("`, generated ").append(Cells.time(review.generated()))
                .append(".\n\n## Roles\n\n");
        table(b, List.of("role", "IdP groups", "IdPs", "account", "publish", "subscribe", "responses", "JWT ttl"));
        for (AccessReview.RoleRow r : review.roles()) {
            table(b, List.of(r.role() + " (line " + r.line() + ")", Cells.groups(r), Cells.idps(r.idps()), r.account(),
                    Cells.direction(r.publishAllow(), r.publishDeny()), Cells.direction(r.subscribeAllow(), r.subscribeDeny()),
                    r.responses() ? "may answer requests" : "no", Cells.ttl(r.ttl())));
        }
        b.append("\n## What each IdP group grants\n\n");
        table(b, List.of("IdP group", "IdPs", "role", "account"));
        for (AccessReview.GroupRow g : review.groups()) {
            table(b, List.of(g.group(), Cells.idps(g.idps()), g.role(), g.account()));
        }
        b.append("\n## Who held which grant\n\n");
        if (review.history().isEmpty()) {
            return b.append(review.source()).append("\n").toString();
        }
        Holdings h = review.history().get();
        b.append("From ").append(review.source()).append(", ").append(Cells.window(h.window())).append(": ")
                .append(h.lines()).append(" lines read.\n\n");
        table(b, List.of("person", "IdP", "role", "account", "first connect", "last connect", "connects", "sessions",
                "sign-outs", "revocations"));
        for (Holdings.Holding x : h.holdings()) {
            table(b, List.of(Cells.person(x), x.idp(), x.role(),
                    x.account(), x.firstConnect() == null ? "never connected" : Cells.time(x.firstConnect()),
                    Cells.time(x.lastConnect()), String.valueOf(x.connects()), String.valueOf(x.sessions()),
                    String.valueOf(x.signOuts()), String.valueOf(x.revocations())));
        }
        if (h.skippedCount() > 0) {
            b.append("\n## Lines skipped\n\n").append(h.skippedCount()).append(" line(s) could not be read")
                    .append(h.skippedCount() > h.skipped().size() ? "; the first " + h.skipped().size() + ":" : ":").append("\n\n");
            table(b, List.of("line", "problem"));
            for (Holdings.Skipped s : h.skipped()) {
                table(b, List.of(String.valueOf(s.line()), s.words()));
            }
        }
        return b.toString();
    }

    /** Markdown's own characters escaped, so {@code _INBOX.>} and {@code orders.*} read as written. */
    private static String cell(String c) {
        StringBuilder out = new StringBuilder();
        for (char ch : c.toCharArray()) {
            switch (ch) {
                case '\\', '|', '*', '_', '`', '[', ']' -> out.append('\\').append(ch);
                case '<' -> out.append("&lt;");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static void table(StringBuilder b, List<String> cells) {
        boolean header = b.charAt(b.length() - 1) == '\n' && b.charAt(b.length() - 2) == '\n';
        b.append('|');
        cells.forEach(c -> b.append(' ').append(cell(c)).append(" |"));
        b.append('\n');
        if (header) {
            b.append('|');
            cells.forEach(c -> b.append(" --- |"));
            b.append('\n');
        }
    }
}
