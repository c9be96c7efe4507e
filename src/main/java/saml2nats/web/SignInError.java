package saml2nats.web;

/**
 * Why the web front refused a sign-in apart from the SAML checks. A refusal of the IdP's Response
 * itself is the {@link saml2nats.saml.SamlError} of its first failed check instead. The constant's
 * name is the reason code the page shows (and, where counted or audited, the tag and the reason).
 */
enum SignInError {
    /** The path names no configured IdP ({@code /saml/{idp}/login} or its ACS). */
    UNKNOWN_IDP(404, "Unknown identity provider"),
    /** {@code return=} is neither this service's path nor listed in {@code allowed_return_urls}: no open redirect. */
    RETURN_URL_NOT_ALLOWED(400, "That return address is not allowed"),
    /** The client's address started more sign-ins within a minute than {@code WebApp.SIGN_IN_STARTS_PER_MINUTE}. */
    TOO_MANY_SIGN_INS(429, "Too many sign-ins started"),
    /** The IdP's provisioning (SCIM) deactivated this person: a valid assertion does not sign them in. */
    DEACTIVATED(403, "Your account is deactivated");

    final int status;
    final String title;

    SignInError(int status, String title) {
        this.status = status;
        this.title = title;
    }
}
