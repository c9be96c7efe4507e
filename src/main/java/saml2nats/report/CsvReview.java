package saml2nats.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The review as one RFC 4180 table: the first column names the section ({@code role},
 * {@code group}, {@code holding}, {@code skipped}), the other columns are those of every section,
 * empty where a section has none, so one file opens in a spreadsheet and filters by section.
 */
final class CsvReview {
    static final List<String> HEADER = List.of("section", "role", "mapping_line", "idp_groups", "idps", "account",
            "publish_allow", "publish_deny", "subscribe_allow", "subscribe_deny", "allow_responses", "ttl", "group",
            "person_idp", "person_subject", "person_email", "first_connect", "last_connect", "connects", "sessions",
            "sign_outs", "revocations", "audit_line", "problem");

    private CsvReview() {
    }

    static String render(AccessReview review) {
        StringBuilder b = new StringBuilder();
        row(b, HEADER);
        for (AccessReview.RoleRow r : review.roles()) {
            row(b, cells("role", "role", r.role(), "mapping_line", String.valueOf(r.line()), "idp_groups", Cells.groups(r),
                    "idps", Cells.idps(r.idps()), "account", r.account(), "publish_allow", Cells.list(r.publishAllow()),
                    "publish_deny", Cells.list(r.publishDeny()), "subscribe_allow", Cells.list(r.subscribeAllow()),
                    "subscribe_deny", Cells.list(r.subscribeDeny()), "allow_responses", String.valueOf(r.responses()),
                    "ttl", Cells.ttl(r.ttl())));
        }
        for (AccessReview.GroupRow g : review.groups()) {
            row(b, cells("group", "group", g.group(), "idps", Cells.idps(g.idps()), "role", g.role(), "account", g.account()));
        }
        review.history().ifPresent(h -> {
            for (Holdings.Holding x : h.holdings()) {
                row(b, cells("holding", "person_idp", x.idp(), "person_subject", x.subject(), "person_email", x.email(),
                        "role", x.role(), "account", x.account(), "first_connect", Cells.time(x.firstConnect()),
                        "last_connect", Cells.time(x.lastConnect()), "connects", String.valueOf(x.connects()),
                        "sessions", String.valueOf(x.sessions()), "sign_outs", String.valueOf(x.signOuts()),
                        "revocations", String.valueOf(x.revocations())));
            }
            for (Holdings.Skipped s : h.skipped()) {
                row(b, cells("skipped", "audit_line", String.valueOf(s.line()), "problem", s.words()));
            }
        });
        return b.toString();
    }

    /** A row from (column, value) pairs after the section; columns not named stay empty. */
    private static List<String> cells(String section, String... pairs) {
        List<String> out = new ArrayList<>(java.util.Collections.nCopies(HEADER.size(), ""));
        out.set(0, section);
        for (int i = 0; i < pairs.length; i += 2) {
            int at = HEADER.indexOf(pairs[i]);
            if (at < 0) {
                throw new IllegalArgumentException("no CSV column " + pairs[i]);
            }
            out.set(at, pairs[i + 1]);
        }
        return out;
    }

    private static void row(StringBuilder b, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quoted(cells.get(i)));
        }
        b.append("\r\n");
    }

    /**
     * RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
     * apostrophe, since subjects and e-mails come from IdPs and a mapping file, not from us.
     */
    static String quoted(String cell) {
        String c = !cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
        return c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r") || c.contains("'")
                ? "\"" + c.replace("\"", "\"\"") + "\"" : c;
    }
}
