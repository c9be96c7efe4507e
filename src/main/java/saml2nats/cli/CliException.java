package saml2nats.cli;

/** A CLI step that failed, with a message that says what to do; the command prints it and exits 1. */
public final class CliException extends Exception {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
