package saml2nats.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What a command talks to: where it prints, where it complains, and the environment it
 * reads (the context folder, {@code $BROWSER}, the admin token), given so tests can stand
 * in for the process's own.
 */
public record Terminal(PrintStream out, PrintStream err, Map<String, String> env) { }
