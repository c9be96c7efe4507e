package saml2nats.policy;

/** One problem in a mapping file, where it is and what to do. */
public record Finding(String file, int line, PolicyError code, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message + " [" + code + "]";
    }
}
