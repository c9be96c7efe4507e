package saml2nats.cli;

/** {@code saml2nats sessions} ({@link Sessions}). */
public final class SessionsCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("sessions", "[--context NAME] [--url URL] [--end ID|all]", """
            list your sessions (browser and CLI: when, from where, until when), or end one or all
            of them, which closes their NATS connections""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException {
        Sessions.run(NatsContext.fromEnvironment(terminal.env()), a.value("--context", NatsContext.DEFAULT_NAME),
                ServiceAddress.given(a), a.value("--end"), terminal.out());
        return 0;
    }
}
