package saml2nats.cli;

/** {@code saml2nats whoami} ({@link Whoami}). */
public final class WhoamiCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("whoami", "[--context NAME] [--url URL]",
            "show identity, NATS grant and session end (and the time left) of the context's token");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException {
        Whoami.run(NatsContext.fromEnvironment(terminal.env()), a.value("--context", NatsContext.DEFAULT_NAME),
                ServiceAddress.given(a), terminal.out());
        return 0;
    }
}
