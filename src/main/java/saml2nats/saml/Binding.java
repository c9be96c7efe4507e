package saml2nats.saml;

/**
 * The SAML bindings this service speaks: how a message rides through the browser
 * (SAML Bindings 3.4 HTTP-Redirect, 3.5 HTTP-POST).
 */
public enum Binding {
    /** Deflated into the query of a GET; signed over the query string (SigAlg, Signature). */
    REDIRECT("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"),
    /** Base64 in a form field the browser posts; signed by an XML signature inside the message. */
    POST("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");

    public final String urn;

    Binding(String urn) {
        this.urn = urn;
    }
}
