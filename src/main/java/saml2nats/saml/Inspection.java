package saml2nats.saml;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@code saml2nats saml inspect}: the ACS's own validation of a saved Response at a
 * chosen instant, printed step by step. Three checks need the running service's memory
 * (which requests it sent, which assertions it saw) or the browser's cookie, so they are replaced by steps
 * that say so; every other check is the ACS's own.
 */
final class Inspection {
    private Inspection() { }

    static List<Check> rules() {
        return Checks.DEFAULTS.stream().map(c -> switch (c.name()) {
            // the default still runs, as if the request were pending: a re-addressed assertion shows
            case Checks.IN_RESPONSE_TO -> new Check(c.name(), e -> {
                Check.Result asIfSent = Checks.inResponseTo(e.withLedger(Ledger.EVERY_REQUEST_PENDING));
                return asIfSent.failed() ? asIfSent : Check.Result.skip(asIfSent.message()
                        + ": whether the service sent this request only the running service knows");
            });
            case Checks.REPLAY -> new Check(c.name(), e -> Check.Result.skip(
                    "assertion " + e.assertion().getID() + ": not checked here, only the running service knows what it accepted"));
            case Checks.THIS_BROWSER -> new Check(c.name(), e -> Check.Result.skip(
                    "not checked here, only the browser that started the sign-in holds its cookie"));
            default -> c;
        }).toList();
    }

    /** Inspecting remembers nothing and sends nothing. */
    private enum Ledger implements RequestLedger {
        NOTHING_SENT(false), EVERY_REQUEST_PENDING(true);

        private final boolean pending;

        Ledger(boolean pending) {
            this.pending = pending;
        }

        @Override
        public void sent(String idp, String requestId, Instant until, BrowserBinding browser) {
            // inspecting sends nothing
        }

        @Override
        public boolean startedBy(String idp, String requestId, BrowserBinding browser) {
            return false;
        }

        @Override
        public boolean isPending(String idp, String requestId) {
            return pending;
        }

        @Override
        public boolean wasSeen(String idp, String assertionId) {
            return false;
        }

        @Override
        public boolean commit(String idp, String requestId, String assertionId, Instant keepUntil) {
            return false;
        }

        @Override
        public boolean firstLogout(String idp, String logoutRequestId, Instant keepUntil) {
            return false;
        }
    }

    /** Validates without recording anything and returns the report; {@code accepted} tells the exit code. */
    public static Validation run(OpenSaml saml, String posted, IdpSettings idp, SpSettings sp, Instant at) {
        return new ResponseValidator(saml, Clock.fixed(at, ZoneOffset.UTC), rules()).validate(posted, idp, sp,
                Ledger.NOTHING_SENT, BrowserBinding.NONE, false);
    }

    public static String report(Validation v, String idp, Instant at) {
        StringBuilder out = new StringBuilder();
        Validation.Summary s = v.summary();
        out.append("issuer:          ").append(s.issuer()).append('\n')
                .append("subject:         ").append(s.nameId()).append('\n')
                .append("assertion:       ").append(s.assertionId()).append('\n')
                .append("in response to:  ").append(s.inResponseTo()).append('\n')
                .append("valid:           ").append(s.notBefore()).append(" to ").append(s.notOnOrAfter()).append('\n')
                .append("attributes:\n");
        s.attributes().forEach((k, vals) -> out.append("  ").append(k).append(": ").append(String.join(", ", vals)).append('\n'));
        out.append("checks at ").append(at).append(":\n");
        int width = v.steps().stream().mapToInt(st -> st.name().length()).max().orElse(10);
        for (Step st : v.steps()) {
            out.append("  ").append(String.format("%-4s", st.status())).append(' ')
                    .append(st.name()).append(" ".repeat(width - st.name().length())).append("  ")
                    .append(st.code() == null ? "" : st.code() + ": ").append(st.message()).append('\n');
        }
        boolean rulesPassed = v.steps().stream().noneMatch(Step::failed) && !v.steps().isEmpty();
        out.append(rulesPassed ? "result: ACCEPTED as " + s.nameId() + " from IdP '" + idp + "'\n"
                : "result: REFUSED (" + v.failures().size() + " finding" + (v.failures().size() == 1 ? "" : "s") + ")\n");
        return out.toString();
    }
}
