package saml2nats.cli;

/** {@code saml2nats logout} ({@link Logout}). */
public final class LogoutCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("logout", "[--context NAME] [--url URL]",
            "end that session on the server, remove the token from the context");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException {
        Logout.run(NatsContext.fromEnvironment(terminal.env()), a.value("--context", NatsContext.DEFAULT_NAME),
                ServiceAddress.given(a), terminal.out());
        return 0;
    }
}
