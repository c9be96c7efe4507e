package saml2nats.scim;

/**
 * Why a SCIM request was refused, with its HTTP status and the RFC 7644 (3.12) {@code scimType}
 * where the RFC names one. Nothing changes when a request is refused.
 */
public enum ScimError {
    /** No bearer token, or not this service's: 401, counted and audited. */
    UNAUTHORIZED(401, ""),
    NOT_FOUND(404, ""),
    /** The body is not JSON, not an object, or misses a required attribute. */
    INVALID_SYNTAX(400, "invalidSyntax"),
    /** A PATCH path names no attribute of the resource, or one this service cannot change. */
    INVALID_PATH(400, "invalidPath"),
    /** A filter this service does not evaluate (it takes {@code attribute eq "value"}). */
    INVALID_FILTER(400, "invalidFilter"),
    /** A value of the wrong type ({@code active: "maybe"}), or a member that does not exist. */
    INVALID_VALUE(400, "invalidValue"),
    /** Another user already has this userName at this IdP. */
    UNIQUENESS(409, "uniqueness"),
    /** The resource changed between read and write (another replica, another request): retry. */
    CONFLICT(409, ""),
    /** A PUT or PATCH that tries to change {@code id}. */
    MUTABILITY(400, "mutability"),
    /** The method is not supported on this endpoint (bulk, /Me, sorting). */
    NOT_IMPLEMENTED(501, "");

    private final int status;
    private final String scimType;

    ScimError(int status, String scimType) {
        this.status = status;
        this.scimType = scimType;
    }

    public int status() {
        return status;
    }

    /** The RFC's {@code scimType}; empty for statuses that need none. */
    public String scimType() {
        return scimType;
    }
}
