package saml2nats.config;

/** A value that must never be printed: seeds, passwords. {@link #toString()} hides it. */
public record Secret(String value, String origin) {
    @Override
    public String toString() {
        return "Secret[from " + origin + "]";
    }
}
