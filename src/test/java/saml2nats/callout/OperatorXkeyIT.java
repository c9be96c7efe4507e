package saml2nats.callout;

/** The matrix in operator mode with the xkey in the callout account's JWT: requests arrive sealed. */
class OperatorXkeyIT extends CalloutMatrix {
    @Override
    boolean xkey() {
        return true;
    }

    @Override
    boolean operator() {
        return true;
    }
}
