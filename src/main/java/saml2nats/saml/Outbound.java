package saml2nats.saml;

import java.util.Optional;

/** A SAML message of ours on its way to the IdP through the browser, as its binding carries it. */
public sealed interface Outbound {
    /** HTTP-Redirect: send the browser to this URL (the message, and its signature, in the query). */
    record Redirect(String url) implements Outbound { }

    /**
     * HTTP-POST: a form the browser posts to {@code action}.
     *
     * @param parameter {@code SAMLRequest} or {@code SAMLResponse}
     * @param message   the message, base64 (signed inside when the SP has a signing key)
     */
    record Post(String action, String parameter, String message, Optional<String> relayState) implements Outbound { }
}
