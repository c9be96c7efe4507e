package saml2nats.report;

import saml2nats.config.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** How the review's values read in every format, so the three say the same thing. */
final class Cells {
    private Cells() {
    }

    static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }

    static String list(List<String> items) {
        return String.join(" ", items);
    }

    /** A direction's rule as one cell: nothing allowed reads as closed, as nats-server applies it. */
    static String direction(List<String> allow, List<String> deny) {
        if (allow.isEmpty()) {
            return "nothing (closed)";
        }
        return list(allow) + (deny.isEmpty() ? "" : ", except " + list(deny));
    }

    static String ttl(Duration d) {
        return Durations.format(d);
    }

    static String groups(AccessReview.RoleRow r) {
        return r.groups().isEmpty() ? AccessReview.ANY_GROUP : list(r.groups());
    }

    static String idps(List<String> idps) {
        return idps.isEmpty() ? "any" : list(idps);
    }

    /** The person as an auditor reads them: the e-mail, with the NameID when it is something else. */
    static String person(Holdings.Holding h) {
        return h.email().isEmpty() || h.email().equals(h.subject()) ? h.subject() : h.email() + " (" + h.subject() + ")";
    }

    static String window(Holdings.Window w) {
        return w.since().map(Cells::time).orElse("the start of the log") + " to "
                + w.until().map(Cells::time).orElse("its end");
    }
}
