package saml2nats.scim;

/** A refused SCIM request: its code and a detail that says what was wrong and what to send instead. */
public final class ScimException extends Exception {
    private final ScimError error;

    public ScimException(ScimError error, String detail) {
        super(detail);
        this.error = error;
    }

    public ScimError error() {
        return error;
    }
}
