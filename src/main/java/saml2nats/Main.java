package saml2nats;

import saml2nats.cli.CliException;
import saml2nats.cli.Command;
import saml2nats.cli.CredsRefreshCommand;
import saml2nats.cli.EndSessionsCommand;
import saml2nats.cli.LoginCommand;
import saml2nats.cli.LogoutCommand;
import saml2nats.cli.Syntax;
import saml2nats.cli.Terminal;
import saml2nats.cli.UsageException;
import saml2nats.cli.SessionsCommand;
import saml2nats.cli.WhoamiCommand;
import saml2nats.config.ConfigException;
import saml2nats.keys.KeysInitCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The command line: a table of commands, each a small class that declares its syntax.
 * Main finds the command by its words, lets the one parser read the options (unknown
 * ones refused there, with that command's usage), runs it and turns its failures into
 * exit codes; it builds nothing itself.
 */
public final class Main {
    /** Every command, in the order the usage lists them. */
    static final List<Command> TABLE = List.of(new ServeCommand(), new LoginCommand(), new LogoutCommand(),
            new WhoamiCommand(), new CredsRefreshCommand(), new SessionsCommand(), new EndSessionsCommand(), new CheckCommand(), new ExplainCommand(),
            new ReportCommand(), new KeysInitCommand(), new SamlInspectCommand());

    /** Every command with what it takes; the parser and the usage text both read these. */
    static final List<Syntax> COMMANDS = TABLE.stream().map(Command::syntax).toList();

    private static final String USAGE = "usage: saml2nats <command> [options]\n\n"
            + COMMANDS.stream().map(Syntax::entry).collect(Collectors.joining())
            + "\nsaml2nats <command> --help shows one command's usage.\n";

    private final Terminal terminal;

    Main(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    /** {@code env} in place of the process's environment (the context folder, $BROWSER, the admin token). */
    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.terminal = new Terminal(out, err, env);
    }

    public static void main(String[] args) throws Exception {
        int code = new Main(System.out, System.err).run(args);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** The exit code, or -1 when the service keeps running. */
    int run(String[] args) throws Exception {
        if (args.length == 0) {
            terminal.err().print(USAGE);
            return 2;
        }
        if (Syntax.HELP.contains(args[0]) || args[0].equals("help")) {
            return help(Arrays.copyOfRange(args, 1, args.length));
        }
        // the longest match: "sessions end" is its own command beside "sessions"
        List<Command> named = TABLE.stream().filter(c -> c.syntax().command().equals(args[0])
                || args.length > 1 && c.syntax().command().equals(args[0] + " " + args[1]))
                .sorted(java.util.Comparator.comparingInt(c -> -c.syntax().command().split(" ").length)).toList();
        if (named.isEmpty()) {
            return unknown(args);
        }
        Command command = named.get(0);
        Syntax syntax = command.syntax();
        List<String> rest = Arrays.asList(args).subList(syntax.command().split(" ").length, args.length);
        try {
            Syntax.Parsed parsed = syntax.parse(rest);
            if (parsed instanceof Syntax.Wrong w) {
                return usage(syntax, w.problem());
            }
            if (parsed instanceof Syntax.Args a) {
                return command.run(a, terminal);
            }
            terminal.out().print(syntax.usage());
            return 0;
        } catch (UsageException e) {
            return usage(syntax, e.getMessage());
        } catch (ConfigException e) {
            terminal.err().println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException | CliException e) {
            terminal.err().println("saml2nats: " + e.getMessage());
            return 1;
        }
    }

    /** No command of these words: a group's first word ({@code keys}) lists its commands. */
    private int unknown(String[] args) {
        List<Syntax> group = group(args[0]);
        if (group.isEmpty()) {
            return usage("unknown command '" + args[0] + "'");
        }
        if (args.length > 1 && Syntax.HELP.contains(args[1])) {
            group.forEach(c -> terminal.out().print(c.usage()));
            return 0;
        }
        String sub = args.length > 1 ? "unknown command '" + args[0] + " " + args[1] + "'" : args[0] + " needs a command";
        terminal.err().println("saml2nats: " + sub + "; " + args[0] + " has: "
                + group.stream().map(c -> c.command().substring(args[0].length() + 1)).collect(Collectors.joining(", ")));
        group.forEach(c -> terminal.err().print(c.usage()));
        return 2;
    }

    /** {@code help}, {@code --help}: all commands, or the one named. */
    private int help(String[] words) {
        if (words.length == 0) {
            terminal.out().print(USAGE);
            return 0;
        }
        String name = String.join(" ", words);
        List<Syntax> found = COMMANDS.stream().filter(c -> c.command().equals(name)).toList();
        List<Syntax> shown = found.isEmpty() ? group(name) : found;
        if (shown.isEmpty()) {
            return usage("unknown command '" + name + "'");
        }
        shown.forEach(c -> terminal.out().print(c.usage()));
        return 0;
    }

    /** The commands of two words whose first is {@code word} ({@code keys} has {@code keys init}). */
    private static List<Syntax> group(String word) {
        return COMMANDS.stream().filter(c -> c.command().startsWith(word + " ")).toList();
    }

    private int usage(String problem) {
        terminal.err().println("saml2nats: " + problem);
        terminal.err().print(USAGE);
        return 2;
    }

    /** A command used wrongly: what is wrong, then that command's usage only. */
    private int usage(Syntax syntax, String problem) {
        terminal.err().println("saml2nats: " + problem);
        terminal.err().print(syntax.usage());
        return 2;
    }
}
