package saml2nats.cli;

import saml2nats.json.JsonObject;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code saml2nats sessions}: the person's own sessions (browser, CLI loopback, CLI device)
 * as the service holds them, and ending one or all of them, with the context's token.
 */
final class Sessions {
    private Sessions() { }

    /** @param end empty to list; a session id, or {@code all} */
    static void run(NatsContext contexts, String context, Optional<URI> url, Optional<String> end, PrintStream out)
            throws CliException {
        NatsContext.Entry entry = Signed.entry(contexts, context);
        ServiceClient service = new ServiceClient(Signed.service(entry, url, context));
        if (end.isPresent()) {
            ServiceClient.Answer a = service.postWithToken("cli/sessions/end", entry.token(), Map.of("session", end.get()));
            if (a.error().isPresent()) {
                throw new CliException("could not end " + end.get() + ": " + a.why());
            }
            long ended = a.number("ended", 0);
            out.println(ended == 0 ? "no session of yours with id " + end.get() + " is live (it ended already?)"
                    : "ended " + ended + " session(s); their NATS connections are closed");
            return;
        }
        ServiceClient.Answer a = service.withToken("GET", "cli/sessions", entry.token());
        if (a.error().isPresent()) {
            throw new CliException("the token in context '" + context + "' is not signed in: " + a.why());
        }
        List<JsonObject> sessions = a.body().objects("sessions");
        out.printf("%-36s  %-22s  %-20s  %-20s  %s%n", "id", "kind", "since", "ends", "from");
        for (JsonObject s : sessions) {
            out.printf("%-36s  %-22s  %-20s  %-20s  %s%s%n", clean(s, "id"), clean(s, "kind"), minute(clean(s, "created")),
                    minute(clean(s, "expires")), clean(s, "address").isEmpty() ? "unknown" : clean(s, "address"),
                    s.bool("this").orElse(false) ? "  (this context)" : "");
        }
        out.println();
        out.println("end one: saml2nats sessions --end ID; all: saml2nats sessions --end all");
    }

    /** What the service sent, without control characters (a terminal must not take orders from it). */
    private static String clean(JsonObject s, String key) {
        return s.text(key).orElse("").replaceAll("\\p{Cntrl}", "");
    }

    private static String minute(String instant) {
        return instant.length() >= 16 ? instant.substring(0, 16).replace('T', ' ') + " UTC" : instant;
    }
}
