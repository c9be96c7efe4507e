package saml2nats.callout;

/** A refused creds request: its code says why, its message what to do. */
public final class CredsException extends Exception {
    private final CredsError error;

    CredsException(CredsError error) {
        this(error, error.message);
    }

    CredsException(CredsError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public CredsError error() {
        return error;
    }
}
