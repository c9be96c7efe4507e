package saml2nats.web;

import io.javalin.security.RouteRole;

/**
 * Who may call a route: declared beside each route in {@link WebApp}'s route table and checked by
 * {@link AccessRules} before the handler runs, so no handler looks at the session cookie, the CSRF
 * token or a bearer token itself. Each rule also says how a caller who fails it is answered.
 */
enum Access implements RouteRole {
    /** No check: sign-in pages, what the IdP posts, the CLI's sign-in starts and redemptions, health. */
    ANYONE,
    /** A signed-in browser; anyone else is sent to sign in and comes back to this very page. */
    BROWSER,
    /**
     * A signed-in browser posting this service's own form (its CSRF token); else a 403 page: a
     * cross-site form cannot approve a CLI sign-in.
     */
    CLI_APPROVAL_FORM,
    /** As {@link #CLI_APPROVAL_FORM}, for the device pages; else back to {@code /device}, to sign in or start over. */
    DEVICE_FORM,
    /** Ending one of the person's own sessions from their page: a signed-in browser and its CSRF token; else a 403 page. */
    SESSIONS_FORM,
    /** Signing out: a signed-in browser only from its own page (CSRF); anyone else just lands signed out. */
    SIGN_OUT_FORM,
    /** {@code Authorization: Bearer} with the token of a live session (the CLI's); else {@code invalid_token}. */
    CLI_TOKEN,
    /** {@code Authorization: Bearer} with the service's admin token; {@code admin_off} when none is configured. */
    ADMIN,
    /**
     * A signed-in browser of a person {@code admin:} names (group and IdP); anyone else signed in
     * gets a 403 page naming the group needed, and a stranger is sent to sign in first.
     */
    ADMIN_PAGE,
    /** As {@link #ADMIN_PAGE}, posting the admin page's own form (its CSRF token); else a 403 page. */
    ADMIN_FORM,
    /** {@code Authorization: Bearer} with an IdP's SCIM token ({@code scim:}); else SCIM's 401, audited. */
    SCIM_CLIENT
}
