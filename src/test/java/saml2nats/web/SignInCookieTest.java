package saml2nats.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the pre-auth cookie says to the browser, over https and on a plain-http localhost. */
class SignInCookieTest {
    @Test
    void overHttpsItIsHostPrefixedSecureAndSentCrossSite() {
        // __Host-: Secure, Path=/ and no Domain, so no sibling subdomain or plain-http response can plant one
        assertEquals("__Host-s2n_signin=abc; HttpOnly; Max-Age=600; Path=/; Secure; SameSite=None",
                new SignInCookie(true).header("abc"));
    }

    @Test
    void onPlainHttpLocalhostItIsLaxAndScopedToSaml() {
        assertEquals("s2n_signin=abc; HttpOnly; Max-Age=600; Path=/saml/; SameSite=Lax", new SignInCookie(false).header("abc"));
    }
}
