package saml2nats.json;

/** Text that is not the JSON object a reader expected; the message says what was wrong. */
public final class JsonException extends Exception {
    public JsonException(String message) {
        super(message);
    }
}
