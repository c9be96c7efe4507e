package saml2nats.session;

import java.util.Objects;

/**
 * Who or what ended a session: the answer an auditor needs to "why did this connection
 * close", carried from the one who ended it to the kick and its audit line.
 *
 * @param cause what kind of end it was
 * @param by    who acted, in words an auditor can trace: the person's own subject, the admin
 *              ({@code admin token} or the admin's subject), the IdP id, the SCIM client's IdP
 */
public record Ending(Cause cause, String by) {
    public enum Cause {
        /** The person signed out in the browser. */
        SIGN_OUT,
        /** The person ran {@code saml2nats logout}, or ended one of their sessions from a list. */
        CLI_LOGOUT,
        /** The person ended every session of theirs at once. */
        SIGN_OUT_EVERYWHERE,
        /** The IdP sent a LogoutRequest (front channel or SOAP back channel). */
        IDP_LOGOUT,
        /** An administrator ended it. */
        ADMIN,
        /** The IdP's provisioning (SCIM) deactivated or deleted the person, or changed their groups. */
        SCIM,
        /** An edit of the mapping file changed the session's grant (its connections reconnect under the new one). */
        RELOAD,
        /** The service restarted with the embedded store, which keeps no session across a restart. */
        RESTART,
        /** Another replica ended it; the cause is in that replica's audit line. */
        ELSEWHERE
    }

    /** The end as the person reads it: "your session was ended by {words}". */
    public String words() {
        return switch (cause) {
            case SIGN_OUT -> "a sign-out in a browser";
            case CLI_LOGOUT -> "saml2nats logout, or ending it from your list of sessions";
            case SIGN_OUT_EVERYWHERE -> "sign out everywhere";
            case IDP_LOGOUT -> "a sign-out at your identity provider";
            case ADMIN -> "an administrator";
            case SCIM -> "your identity provider's provisioning (your account was deactivated or changed)";
            case RELOAD -> "a change of the access mapping";
            case RESTART -> "a restart of the service";
            case ELSEWHERE -> "a sign-out";
        };
    }

    public Ending {
        Objects.requireNonNull(cause, "cause");
        by = by == null ? "" : by;
    }

    /** What a replica knows of a session another replica ended: that it ended. */
    public static final Ending ELSEWHERE = new Ending(Cause.ELSEWHERE, "");

    /** Whether this process ended it (and so does the work that should be done once: lookups, audit). */
    public boolean here() {
        return cause != Cause.ELSEWHERE;
    }
}
