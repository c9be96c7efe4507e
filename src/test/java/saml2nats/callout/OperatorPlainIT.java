package saml2nats.callout;

/** The matrix in operator mode, plain requests: a nats-server with an operator and a memory resolver. */
class OperatorPlainIT extends CalloutMatrix {
    @Override
    boolean xkey() {
        return false;
    }

    @Override
    boolean operator() {
        return true;
    }
}
