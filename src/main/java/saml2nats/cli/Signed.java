package saml2nats.cli;

import java.net.URI;
import java.util.Optional;

/** What whoami and logout both need first: a context holding a token, and the service that issued it. */
final class Signed {
    private Signed() { }

    static NatsContext.Entry entry(NatsContext contexts, String context) throws CliException {
        NatsContext.Entry entry = contexts.read(context).orElseThrow(() -> new CliException("no NATS context '" + context
                + "' (" + contexts.natsFile(context) + "); sign in with saml2nats login --url URL" + named(context)));
        if (entry.token().isEmpty()) {
            // login finds the service this context came from, so the hint needs no --url when one is noted
            throw new CliException("context '" + context + "' holds no token (signed out); sign in with saml2nats login"
                    + (entry.service() == null ? " --url URL" : "") + named(context));
        }
        return entry;
    }

    /** The {@code --context} a command for this context needs; none for the default. */
    static String named(String context) {
        return context.equals(NatsContext.DEFAULT_NAME) ? "" : " --context " + context;
    }

    static URI service(NatsContext.Entry entry, Optional<URI> url, String context) throws CliException {
        if (url.isPresent()) {
            return url.get();
        }
        if (entry.service() == null) {
            throw new CliException("context '" + context + "' was not written by saml2nats login, so which service issued "
                    + "its token is unknown; pass --url");
        }
        return entry.service();
    }
}
