package saml2nats.cli;

/**
 * One {@code saml2nats} command: the syntax its usage shows and its parser reads, and
 * what it does with a command line that fits that syntax. {@code Main} holds the table of
 * commands, finds one by its words and runs it; a command never parses for itself.
 */
public interface Command {
    Syntax syntax();

    /**
     * @return the exit code, or -1 when the command keeps running (the service)
     * @throws UsageException when the options fit the syntax but not each other or the
     *                        situation: the problem and this command's usage are shown, exit 2
     */
    int run(Syntax.Args args, Terminal terminal) throws Exception;
}
