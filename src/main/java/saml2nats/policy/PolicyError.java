package saml2nats.policy;

/**
 * Every way a mapping file or a policy decision can fail. The code is also the
 * metric tag and the audit {@code reason}; never branch on message text.
 */
public enum PolicyError {
    /** The file could not be read from disk. */
    UNREADABLE_FILE,
    /** The text is not YAML, or not a mapping at the top. */
    YAML_SYNTAX,
    /** A key this format does not know, usually a typo ({@code subcribe}); ignoring it could widen or narrow a grant silently. */
    UNKNOWN_KEY,
    /** A value of the wrong shape: a duration, a size, a number, a list where one value was expected. */
    BAD_VALUE,
    /** A subject that NATS would not accept or would read differently: empty token, {@code >} not last, a wildcard inside a token, an unknown placeholder. */
    MALFORMED_SUBJECT,
    /** A role names an account this service has no key to issue for (config {@code accounts}). */
    UNKNOWN_ACCOUNT,
    /** A role without a {@code when} rule would match nobody, or everybody by mistake. */
    NO_MATCH_RULE,
    /** A role that neither allows nor denies anything grants nothing useful. */
    NO_PERMISSIONS,
    /** Two roles with one name make explanations ambiguous. */
    DUPLICATE_ROLE,
    /**
     * A setting nats-server does not apply to users admitted by auth callout: per-user
     * {@code limits} ({@code subs}, {@code payload}, {@code data}). The server builds such a
     * user from the JWT's permissions only ({@code buildInternalNkeyUser} in server/auth.go)
     * and clears the client's JWT, which is where {@code applyAccountLimits}
     * (server/client.go) reads user limits; so the limit would be shown and never kept.
     */
    NOT_ENFORCED,

    /** Decision: no role matches the person's groups and IdP (within the accounts their IdP may reach). */
    NO_MATCHING_ROLE,
    /** Decision: a placeholder's value is empty or too long to be one subject token, so the grant is refused rather than widened. */
    UNSAFE_SUBJECT_VALUE
}
