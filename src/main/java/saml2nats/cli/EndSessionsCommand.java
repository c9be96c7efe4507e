package saml2nats.cli;

/** {@code saml2nats sessions end} ({@link EndSessions}); the admin token from the environment. */
public final class EndSessionsCommand implements Command {
    static final Syntax SYNTAX = Syntax.of("sessions end", "--url URL --idp ID --subject NAMEID", """
            (admin, token in $SAML2NATS_ADMIN_TOKEN) end every session of one person and kick
            their NATS connections""");

    @Override
    public Syntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(Syntax.Args a, Terminal terminal) throws CliException {
        EndSessions.run(ServiceAddress.of(a.value("--url").orElseThrow()), terminal.env().get(EndSessions.TOKEN_ENV),
                a.value("--idp").orElseThrow(), a.value("--subject").orElseThrow(), terminal.out());
        return 0;
    }
}
