package saml2nats.callout;

/** The matrix with the server sealing requests to our xkey and we sealing replies to its. */
class CalloutXkeyIT extends CalloutMatrix {
    @Override
    boolean xkey() {
        return true;
    }
}
