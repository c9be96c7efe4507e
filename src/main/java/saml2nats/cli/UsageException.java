package saml2nats.cli;

/** A command used wrongly in a way its syntax cannot say: the message says what, and the command's usage follows. */
public final class UsageException extends Exception {
    public UsageException(String problem) {
        super(problem);
    }
}
