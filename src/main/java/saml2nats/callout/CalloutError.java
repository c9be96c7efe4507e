package saml2nats.callout;

/**
 * Every reason the responder refuses a connection. The code is the audit
 * {@code reason} and the metric tag; the client itself only ever sees
 * "Authorization Violation", so the server log (which shows our short error text)
 * and our audit line are where an operator reads the cause.
 */
enum CalloutError {
    /** The request is not a JWT, not JSON, or lacks a field the protocol requires (user_nkey, server_id, exp). */
    MALFORMED_REQUEST,
    /** An xkey is configured but the request was not sealed, was sealed to another key, or its bytes were altered. */
    SEAL_MISMATCH,
    /**
     * The request's issuer is not a server nkey, differs from {@code server_id.id}, is not on
     * {@code callout.allowed_servers}, or is a key no server of the cluster holds (asked the system account).
     */
    UNTRUSTED_SERVER,
    /** The Ed25519 signature over header.payload does not verify with the issuer's key. */
    BAD_SIGNATURE,
    /** The JWT is not an {@code authorization_request} for {@code nats-authorization-request}. */
    WRONG_TYPE,
    /** The request's {@code exp} has passed: the server has already given up on it. */
    EXPIRED_REQUEST,
    /** A request with this user key was answered before: the same request again (a replay). */
    REPLAYED_REQUEST,
    /** The client sent no token (neither {@code auth_token} nor a password). */
    NO_TOKEN,
    /** No live session has this token: never issued, signed out, or expired. */
    UNKNOWN_TOKEN,
    /**
     * The token's session is bound to a user key (its key-bound creds): the token alone, which may have
     * been copied, does not connect; the client must hold the key.
     */
    KEY_BOUND,
    /** The person's groups match no role their IdP may use. */
    NO_MATCHING_ROLE,
    /** A subject placeholder's value cannot be one subject token, so the grant is refused rather than widened. */
    UNSAFE_SUBJECT_VALUE,
    /**
     * The session ended (sign-out, SLO, an admin) while this connect was being authorized:
     * refused rather than let a connection in after its session's kick already ran.
     */
    SESSION_ENDED,
    /** The session ends within the second; a JWT for it would be born expired. */
    SESSION_ENDING,
    /** Too many requests waiting; refused at once so the client retries instead of timing out. */
    OVERLOADED,
    /** A fault of ours (signing failed); the log has the detail. */
    INTERNAL
}
