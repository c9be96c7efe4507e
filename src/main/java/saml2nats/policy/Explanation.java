package saml2nats.policy;

import saml2nats.config.Durations;
import saml2nats.config.Sizes;

import java.util.List;
import java.util.OptionalLong;

/** The text of {@code saml2nats explain}: the grant a person would get, and which role gave each part. */
public final class Explanation {
    private Explanation() { }

    public static String of(Decision decision) {
        return of(decision, OptionalLong.empty());
    }

    /**
     * @param maxPayload the connected nats-server's {@code max_payload}, when known: the one size
     *                   limit a callout user meets (the server applies no per-user limits to them)
     */
    public static String of(Decision decision, OptionalLong maxPayload) {
        if (decision instanceof Decision.Deny deny) {
            return "DENIED (" + deny.code() + "): " + deny.reason() + "\n";
        }
        Grant g = ((Decision.Allow) decision).grant();
        StringBuilder out = new StringBuilder();
        out.append("account:   ").append(g.account()).append('\n');
        out.append("roles:     ").append(String.join(", ", g.roles())).append('\n');
        out.append("ttl:       ").append(Durations.format(g.ttl())).append('\n');
        direction(out, "publish", g.publishAllow(), g.publishDeny(), g.responses().isPresent()
                ? " (except replies to requests you receive, below)" : "");
        direction(out, "subscribe", g.subscribeAllow(), g.subscribeDeny(), "");
        g.responses().ifPresent(r -> out.append("responses: up to ").append(r.max()).append(" per request")
                .append(r.ttl().isZero() ? "" : " within " + Durations.format(r.ttl())).append('\n'));
        out.append("payload:   up to ").append(maxPayload.isPresent() ? Sizes.format(maxPayload.getAsLong())
                : "the server's max_payload").append(" per message (set by nats-server, not per person)\n");
        return out.toString();
    }

    /** A direction no role allows is closed, and says so: silence would read as "no limits". */
    private static void direction(StringBuilder out, String verb, List<Grant.Rule> allow, List<Grant.Rule> deny,
                                  String exception) {
        if (allow.isEmpty()) {
            out.append(verb).append(":").append(" ".repeat(Math.max(1, 11 - verb.length() - 1)))
                    .append("nothing: no role of yours allows it").append(exception).append('\n');
            return;
        }
        section(out, verb + " allow", allow);
        section(out, verb + " deny", deny);
    }

    private static void section(StringBuilder out, String title, List<Grant.Rule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        out.append(title).append(":\n");
        int width = rules.stream().mapToInt(r -> r.subject().length()).max().orElse(0);
        for (Grant.Rule r : rules) {
            out.append("  ").append(r.subject()).append(" ".repeat(width - r.subject().length()))
                    .append("   from ").append(r.role()).append('\n');
        }
    }
}
