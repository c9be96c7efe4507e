package saml2nats.cli;

import java.net.URI;

/** {@code saml2nats creds refresh}: a new JWT for the key the context's creds hold ({@link CredsFile#refresh}). */
public final class CredsRefreshCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("creds refresh", "[--context NAME] [--url URL]", """
            get a new user JWT for the key in the context's key-bound creds (saml2nats login --creds),
            proving the key again, and rewrite the creds file; refused once the session has ended (sign
            in again). Clients read the file again when they reconnect""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException {
        String context = a.value("--context", NatsContext.DEFAULT_NAME);
        NatsContext contexts = NatsContext.fromEnvironment(terminal.env());
        URI url = ServiceAddress.given(a).or(() -> {
            try {
                return contexts.read(context).map(NatsContext.Entry::service);
            } catch (CliException e) {
                return java.util.Optional.empty();
            }
        }).orElseThrow(() -> new CliException("no service address is known for context '" + context
                + "': run saml2nats login --creds --url URL" + Signed.named(context)));
        new CredsFile(new ServiceClient(url), contexts, terminal.out()).refresh(context);
        return 0;
    }
}
