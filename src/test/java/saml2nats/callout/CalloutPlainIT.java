package saml2nats.callout;

/** The matrix with plain (unsealed) requests. */
class CalloutPlainIT extends CalloutMatrix {
    @Override
    boolean xkey() {
        return false;
    }
}
