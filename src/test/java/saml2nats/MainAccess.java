package saml2nats;

import java.io.PrintStream;

/** Lets tests in other packages run the command line as a person would. */
public final class MainAccess {
    private MainAccess() { }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        return new Main(out, err).run(args);
    }

    /** The same with {@code env} as the environment (the context folder, $BROWSER). */
    public static int run(String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) throws Exception {
        return new Main(out, err, env).run(args);
    }
}
