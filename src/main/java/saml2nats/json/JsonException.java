package saml2nats.json;

/** Text that is not the JSON object a reader expected; the message says what was wrong. */
public final class JsonException extends Exception {
    /** Which way the text failed, for a caller that words the two differently (a JWT part, a context file). */
    public enum Problem {
        /** Not JSON at all. */
        NOT_JSON,
        /** JSON, but an array, a string, a number or null where an object was expected. */
        NOT_AN_OBJECT
    }

    private final Problem problem;
    private final String detail;

    public JsonException(String message) {
        this(Problem.NOT_JSON, message, message);
    }

    JsonException(Problem problem, String message, String detail) {
        super(message);
        this.problem = problem;
        this.detail = detail;
    }

    public Problem problem() {
        return problem;
    }

    /** The parser's own words on what is wrong, without ours around them. */
    public String detail() {
        return detail;
    }
}
