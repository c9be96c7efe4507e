package saml2nats.callout;

/** A refusal found while decoding a request; carries what is known of it for the error reply. */
final class CalloutException extends Exception {
    private final CalloutError code;

    CalloutException(CalloutError code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    CalloutError code() {
        return code;
    }
}
