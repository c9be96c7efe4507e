package saml2nats.cli;

import java.net.URI;
import java.util.Optional;

/** What whoami and logout both need first: a context holding a token, and the service that issued it. */
final class Signed {
    private Signed() { }

    static NatsContext.Entry entry(NatsContext contexts, String context) throws CliException {
        NatsContext.Entry entry = contexts.read(context).orElseThrow(() -> new CliException("no NATS context '" + context
                + "' (" + contexts.natsFile(context) + "); sign in with saml2nats login --url URL"));
        if (entry.token().isEmpty()) {
            throw new CliException("context '" + context + "' holds no token (signed out); sign in with saml2nats login");
        }
        return entry;
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
