package saml2nats.handoff;

/**
 * Why a CLI call (sign-in hand-off, whoami, logout, admin) did not do what it asked. The wire names are OAuth's
 * (RFC 6749 5.2, RFC 8628 3.5) so anyone who has written a device-flow client reads them at once.
 */
public enum HandoffError {
    INVALID_REQUEST(400, "The request is missing a parameter or has a malformed one."),
    INVALID_GRANT(400,
            "That sign-in code is unknown, already used, or was not made for this verifier. Run saml2nats login again "
                    + "(with --device if you used it)."),
    APPROVAL_ENDED(400,
            "The browser session that approved this sign-in has ended (signed out or expired). Sign in again."),
    TOO_MANY_STARTS(429,
            "Too many CLI sign-ins started from this address. Wait a few minutes, or finish the ones already started."),
    AUTHORIZATION_PENDING(400, "Waiting for the person to enter the code and approve."),
    SLOW_DOWN(400, "Polling too fast: wait the interval between polls."),
    EXPIRED_TOKEN(400, "The code expired before it was approved. Run saml2nats login --device again."),
    ACCESS_DENIED(400, "The person declined this sign-in."),
    NO_ACCESS(403, "None of your groups is mapped to a NATS role, so no token is issued. "
            + "Ask an administrator to add one of your groups to the mapping file."),
    UNKNOWN_LOOPBACK_REQUEST(400,
            "This sign-in link is unknown, already answered or expired. Run saml2nats login again and use the link it opens."),
    UNKNOWN_USER_CODE(400,
            "No sign-in is waiting for that code. Check the code your terminal shows; codes expire after a few minutes."),
    TOO_MANY_GUESSES(429,
            "Too many wrong codes. Wait a few minutes, then enter the code exactly as the terminal shows it."),
    INVALID_TOKEN(401, "No live session for that token: it ended or expired. Run saml2nats login."),
    ADMIN_OFF(404, "The admin API is off: set admin_token_file (or $SAML2NATS_ADMIN_TOKEN) in the service config."),
    ADMIN_REFUSED(401, "Wrong admin token: pass the service's admin token in $SAML2NATS_ADMIN_TOKEN.");

    private final String wire = name().toLowerCase(java.util.Locale.ROOT);
    private final int status;
    private final String message;

    HandoffError(int status, String message) {
        this.status = status;
        this.message = message;
    }

    /** The name on the wire: the constant's name in lower case ({@code authorization_pending}). */
    public String wire() {
        return wire;
    }

    /** The HTTP status the refusal is answered with. */
    public int status() {
        return status;
    }

    /** What the person (or the CLI, as {@code error_description}) is told. */
    public String message() {
        return message;
    }
}
