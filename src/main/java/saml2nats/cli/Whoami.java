package saml2nats.cli;

import saml2nats.config.Durations;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** {@code saml2nats whoami}: who the context's token belongs to, the grant it gets, and until when. */
public final class Whoami {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Whoami() { }

    public static void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out) throws CliException {
        run(contexts, context, url, out, Clock.systemUTC());
    }

    public static void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out, Clock clock)
            throws CliException {
        NatsContext.Entry entry = Signed.entry(contexts, context);
        ServiceClient.Answer a = new ServiceClient(Signed.service(entry, url, context)).withToken("GET", "cli/whoami", entry.token());
        if (a.error().isPresent()) {
            throw new CliException("the token in context '" + context + "' is not signed in: " + a.why());
        }
        List<String> names = a.body().texts("groups").stream().map(g -> g.replaceAll("\\p{Cntrl}", "")).toList();
        out.println("name:     " + a.text("name"));
        out.println("email:    " + a.text("email"));
        out.println("subject:  " + a.text("subject"));
        out.println("idp:      " + a.text("idp"));
        out.println("groups:   " + String.join(", ", names));
        out.println("session:  ends " + ends(a.text("session_expires"), clock.instant()));
        out.println("context:  " + context + " (" + contexts.natsFile(context) + "), NATS at " + entry.natsUrl());
        connections(a, clock.instant()).forEach(out::println);
        refused(a).forEach(out::println);
        out.println();
        out.print(a.text("grant"));
    }

    /**
     * The person's live connections, one line each ({@code from 10.0.0.5, orders, since
     * 2026-12-03 12:00 UTC (5m), on nats-1}); a service without a system user sends none.
     */
    static List<String> connections(ServiceClient.Answer a, Instant now) {
        if (!a.body().has("connections")) {
            return List.of("connected: not shown (the service has no NATS system user)");
        }
        List<saml2nats.json.JsonObject> live = a.body().objects("connections");
        if (live.isEmpty()) {
            return List.of("connected: none now");
        }
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        lines.add("connected: " + live.size() + (live.size() == 1 ? " connection" : " connections"));
        for (var c : live) {
            String since = c.text("since").orElse("");
            String ago;
            try {
                Instant t = Instant.parse(since);
                Duration d = Duration.between(t, now).truncatedTo(ChronoUnit.MINUTES);
                ago = MINUTE.format(t) + " (" + (d.isNegative() || d.isZero() ? "just now" : Durations.format(d) + " ago") + ")";
            } catch (DateTimeParseException e) {
                ago = since;
            }
            lines.add(clean("  from " + c.text("from").orElse("unknown") + ", " + c.text("client").orElse("(no name)")
                    + ", since " + ago + ", on " + c.text("server").orElse("")));
        }
        return lines;
    }

    /** The person's most recent refused connects and why, newest first; nothing when there were none. */
    static List<String> refused(ServiceClient.Answer a) {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        for (var r : a.body().objects("refused")) {
            String at = r.text("at").orElse("");
            try {
                at = MINUTE.format(Instant.parse(at));
            } catch (DateTimeParseException e) {
                // shown as sent
            }
            lines.add(clean((lines.isEmpty() ? "refused:  " : "          ") + at + "  " + r.text("words").orElse("")
                    + " (" + r.text("code").orElse("") + ")"));
        }
        return lines;
    }

    /** The client's name is its own words: no escape sequence of it reaches the terminal. */
    private static String clean(String s) {
        return s.replaceAll("\\p{Cntrl}", "");
    }

    /**
     * When a session ends and how long that is from now, as the web page shows it:
     * {@code 2026-12-02 21:51 UTC (in 7h59m)}. The service sends an ISO-8601 instant;
     * anything else is shown as sent.
     */
    static String ends(String expires, Instant now) {
        Instant end;
        try {
            end = Instant.parse(expires);
        } catch (DateTimeParseException e) {
            return expires;
        }
        Duration left = Duration.between(now, end);
        String in = left.isNegative() || left.isZero() ? "ended"
                : left.compareTo(Duration.ofMinutes(1)) < 0 ? "in less than a minute"
                : "in " + Durations.format(left.truncatedTo(ChronoUnit.MINUTES));
        return MINUTE.format(end) + " (" + in + ")";
    }
}
