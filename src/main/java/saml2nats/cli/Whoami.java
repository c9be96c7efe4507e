package saml2nats.cli;

import io.nats.client.support.JsonValue;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** {@code saml2nats whoami}: who the context's token belongs to, the grant it gets, and until when. */
public final class Whoami {
    private Whoami() { }

    public static void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out) throws CliException {
        NatsContext.Entry entry = Signed.entry(contexts, context);
        ServiceClient.Answer a = new ServiceClient(Signed.service(entry, url, context)).withToken("GET", "cli/whoami", entry.token());
        if (a.error().isPresent()) {
            throw new CliException("the token in context '" + context + "' is not signed in: " + a.why());
        }
        JsonValue groups = a.body().get("groups");
        List<String> names = groups == null || groups.array == null ? List.of()
                : groups.array.stream().map(g -> String.valueOf(g.string).replaceAll("\\p{Cntrl}", "")).toList();
        out.println("name:     " + a.text("name"));
        out.println("email:    " + a.text("email"));
        out.println("subject:  " + a.text("subject"));
        out.println("idp:      " + a.text("idp"));
        out.println("groups:   " + String.join(", ", names));
        out.println("session:  ends " + a.text("session_expires"));
        out.println("context:  " + context + " (" + contexts.natsFile(context) + "), NATS at " + entry.natsUrl());
        out.println();
        out.print(a.text("grant"));
    }
}
