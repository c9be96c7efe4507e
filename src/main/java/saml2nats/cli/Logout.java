package saml2nats.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.Optional;

/**
 * {@code saml2nats logout}: ends the session on the server (which disconnects its live
 * NATS connections) and takes the token out of the context. When the server cannot be
 * reached the token stays, so the logout can be retried: a token removed only locally
 * would still connect until its session ends.
 */
public final class Logout {
    private Logout() { }

    public static void run(NatsContext contexts, String context, Optional<URI> url, PrintStream out) throws CliException {
        NatsContext.Entry entry = Signed.entry(contexts, context);
        ServiceClient.Answer a = new ServiceClient(Signed.service(entry, url, context)).withToken("POST", "cli/logout", entry.token());
        if (a.error().isPresent() && !a.error().get().equals("invalid_token")) {
            throw new CliException("the service did not end the session: " + a.why() + "; the token stays in context '"
                    + context + "' so you can try again");
        }
        contexts.forgetToken(context);
        out.println(a.error().isPresent()
                ? "The session had already ended on the server; removed the token from context '" + context + "'."
                : "Signed out: the session is ended and its NATS connections are closed; removed the token from context '"
                        + context + "'.");
    }
}
