package saml2nats.saml;

/** One named validation step and its verdict; {@code code} is set when it failed. */
public record Step(String name, Status status, SamlError code, String message) {
    public enum Status { PASS, FAIL, SKIP }

    static Step pass(String name, String message) {
        return new Step(name, Status.PASS, null, message);
    }

    static Step fail(String name, SamlError code, String message) {
        return new Step(name, Status.FAIL, code, message);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
