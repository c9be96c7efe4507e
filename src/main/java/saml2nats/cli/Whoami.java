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
        out.println();
        out.print(a.text("grant"));
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
