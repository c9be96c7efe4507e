package saml2nats.callout;

/**
 * The auth callout protocol's words, in one place: the subjects nats-server serves and
 * asks on, the header it names its xkey in, and the type strings and version of the NATS
 * v2 JWT claims (nats-server {@code server/auth_callout.go}, {@code server/events.go},
 * nats-io/jwt v2).
 */
public final class Protocol {
    /** Where nats-server sends authorization requests. */
    public static final String AUTH_SUBJECT = "$SYS.REQ.USER.AUTH";
    /** Answered by server {@code %s} with its identity; only a server or a system user can answer there. */
    public static final String IDZ_SUBJECT = "$SYS.REQ.SERVER.%s.IDZ";
    /** The header carrying the server's one-time public xkey when it seals a request. */
    public static final String XKEY_HEADER = "Nats-Server-Xkey";

    /** The {@code aud} of every authorization request. */
    public static final String REQUEST_AUDIENCE = "nats-authorization-request";
    public static final String REQUEST_TYPE = "authorization_request";
    public static final String RESPONSE_TYPE = "authorization_response";
    public static final String USER_TYPE = "user";
    public static final String OPERATOR_TYPE = "operator";
    public static final String ACCOUNT_TYPE = "account";
    /** The claims version nats-server reads. */
    public static final int VERSION = 2;

    private Protocol() { }
}
