package saml2nats.web;

import saml2nats.saml.RequestLedger;

import java.time.Duration;

/**
 * The pre-auth cookie: the random secret that identifies the browser a sign-in was started
 * in (see {@code BrowserBinding}). The IdP posts the Response from its own site, a
 * cross-site POST, which carries only SameSite=None cookies, and those only with Secure.
 * Over https the cookie is {@code __Host-} prefixed (Secure, Path=/, no Domain), so neither
 * a sibling subdomain nor an attacker on a plain-http response can plant one of their own,
 * which would bind the victim's browser to the attacker's sign-in. A plain-http localhost
 * service (development) is same-site with a local IdP, where Lax is enough and None would
 * be dropped; there the cookie is scoped to /saml/.
 */
record SignInCookie(boolean secure) {
    /** As long as an AuthnRequest may be answered; each start renews it. */
    static final Duration LIFE = RequestLedger.REQUEST_LIFETIME;

    String name() {
        return secure ? "__Host-s2n_signin" : "s2n_signin";
    }

    String header(String secret) {
        return name() + "=" + secret + "; HttpOnly; Max-Age=" + LIFE.toSeconds()
                + (secure ? "; Path=/; Secure; SameSite=None" : "; Path=/saml/; SameSite=Lax");
    }
}
