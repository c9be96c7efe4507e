package saml2nats.saml;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@code saml2nats saml inspect}: the ACS's own validation of a saved Response at a
 * chosen instant, printed step by step. Two checks need the running service's memory
 * (which requests it sent, which assertions it saw), so they are replaced by steps that
 * say so; every other check is the ACS's own.
 */
public final class Inspection {
    private Inspection() { }

    public static List<ResponseValidator.Check> rules() {
        return ResponseValidator.DEFAULT_RULES.stream().map(c -> switch (c.name()) {
            case "in response to" -> new ResponseValidator.Check(c.name(), e -> Step.skip(c.name(),
                    "InResponseTo " + e.response().getInResponseTo() + ": not checked here, only the running service knows what it sent"));
            case "replay" -> new ResponseValidator.Check(c.name(), e -> Step.skip(c.name(),
                    "assertion " + e.assertion().getID() + ": not checked here, only the running service knows what it accepted"));
            default -> c;
        }).toList();
    }

    /** Validates without recording anything and returns the report; {@code accepted} tells the exit code. */
    public static Validation run(OpenSaml saml, String posted, IdpSettings idp, SpSettings sp, Instant at) {
        RequestLedger nothing = new RequestLedger() {
            @Override
            public void sent(String i, String r, Instant until) {
                // inspecting sends nothing
            }

            @Override
            public boolean isPending(String i, String r) {
                return false;
            }

            @Override
            public boolean wasSeen(String i, String a) {
                return false;
            }

            @Override
            public boolean commit(String i, String r, String a, Instant k) {
                return false;
            }
        };
        return new ResponseValidator(saml, Clock.fixed(at, ZoneOffset.UTC), rules()).validate(posted, idp, sp, nothing, false);
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
