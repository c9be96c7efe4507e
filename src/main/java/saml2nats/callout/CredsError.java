package saml2nats.callout;

/**
 * Every reason a request for key-bound creds ({@code saml2nats login --creds}, {@code creds refresh}) is
 * refused; nothing is issued. The code is the CLI's {@code error} and the audit {@code reason}.
 */
public enum CredsError {
    /** The service has no operator key ({@code operator.operator_seed_file}), so it could not revoke what it issues. */
    NO_OPERATOR_KEY(409, "this service issues no key-bound creds: it needs operator.operator_seed_file (the operator's "
            + "or an operator signing key's seed) to revoke them; connect with the token instead"),
    /** {@code public_key} is not a valid nkey public key. */
    MALFORMED_KEY(400, "public_key is not an nkey public key"),
    /** An nkey of another kind (an account, operator or server key) where a user key ({@code U...}) belongs. */
    NOT_A_USER_KEY(400, "public_key must be a user nkey (it starts with U)"),
    /** The challenge is unknown, expired, already used, or another session's. */
    UNKNOWN_CHALLENGE(400, "the challenge is unknown, used or expired: ask for a new one"),
    /** The signature over the challenge does not verify with the public key: the caller does not hold the key. */
    BAD_PROOF(403, "the signature over the challenge does not verify with public_key: sign it with the key's seed"),
    /** The session's creds are bound to another key; a copied token cannot get creds for a key of its own. */
    OTHER_KEY(403, "this session's creds are bound to another key: sign in again (saml2nats login --creds) for a new one"),
    /** The session has ended or expired; a renewal needs a new sign-in. */
    SESSION_ENDED(401, "the session has ended: sign in again (saml2nats login --creds)"),
    /** The person's groups grant nothing on NATS. */
    NO_GRANT(403, "your groups are mapped to no NATS role, so there is nothing to issue"),
    /** The session ends within the second: a JWT would be born expired. */
    SESSION_ENDING(401, "the session ends within the second: sign in again");

    public final int status;
    public final String message;

    CredsError(int status, String message) {
        this.status = status;
        this.message = message;
    }

    /** The wire form of the code, as the CLI's JSON carries it. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
