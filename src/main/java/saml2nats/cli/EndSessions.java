package saml2nats.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;

/**
 * {@code saml2nats sessions end}: an admin ends every session of one person (left the
 * company, lost a laptop); their live NATS connections are kicked. The admin token
 * comes from the environment, never from the command line, where {@code ps} shows it.
 */
final class EndSessions {
    public static final String TOKEN_ENV = "SAML2NATS_ADMIN_TOKEN";

    private EndSessions() { }

    public static void run(URI url, String adminToken, String idp, String subject, PrintStream out) throws CliException {
        if (adminToken == null || adminToken.isBlank()) {
            throw new CliException("set $" + TOKEN_ENV + " to the service's admin token (its admin_token_file)");
        }
        ServiceClient service = new ServiceClient(url);
        ServiceClient.Answer a = service.postWithToken("admin/sessions/end", adminToken.trim(),
                Map.of("idp", idp, "subject", subject));
        if (a.error().isPresent()) {
            throw new CliException("the service did not end the sessions: " + a.why());
        }
        long ended = a.number("ended", 0);
        out.println(ended == 0
                ? "No live session of " + subject + " at IdP " + idp + " (the subject is the SAML NameID; whoami shows it)."
                : "Ended " + ended + " session(s) of " + subject + " at IdP " + idp + "; their NATS connections are closed.");
    }
}
