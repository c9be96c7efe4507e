package saml2nats.saml;

/**
 * Every reason a SAML Response is refused. The code is the audit {@code reason}, the
 * metric tag and what {@code saml2nats saml inspect} prints; section numbers are of
 * SAML 2.0 Core (saml-core-2.0-os) and Profiles (saml-profiles-2.0-os).
 */
public enum SamlError {
    /** Not base64, not XML, too large, or not a samlp:Response. */
    MALFORMED_RESPONSE,
    /** A DOCTYPE (and so entities, the XXE and billion-laughs family) is never accepted. */
    DOCTYPE_FORBIDDEN,
    /** StatusCode is not Success (Core 3.2.2.2); the IdP refused or failed the sign-in. */
    STATUS_NOT_SUCCESS,
    /** Destination is missing or is not this service's ACS URL (Core 3.2.2, Profiles 4.1.4.5). */
    WRONG_DESTINATION,
    /** The Response or Assertion Issuer is not the configured IdP entity ID (Profiles 4.1.4.2). */
    WRONG_ISSUER,
    /** Neither the Response nor the Assertion carries a signature (Profiles 4.1.3.5). */
    UNSIGNED,
    /** A signature does not verify with any configured IdP certificate. */
    BAD_SIGNATURE,
    /** The signature's Reference does not point at the element it signs, or its ID is not unique (signature wrapping). */
    SIGNATURE_WRAPPING,
    /** SHA-1 or another algorithm outside the allowed set; SHA-1 needs {@code allow_sha1} on the IdP entry. */
    WEAK_ALGORITHM,
    /** An EncryptedAssertion that does not decrypt with this service's key. */
    DECRYPTION_FAILED,
    /** Not exactly one Assertion (Profiles 4.1.4.2 allows more; we accept one to keep the signed element unambiguous). */
    ASSERTION_COUNT,
    /** The AudienceRestriction does not name this service's entity ID (Core 2.5.1.4). */
    WRONG_AUDIENCE,
    /** No bearer SubjectConfirmation with Recipient = our ACS URL and a NotOnOrAfter (Profiles 4.1.4.2). */
    BAD_SUBJECT_CONFIRMATION,
    /** A NotOnOrAfter has passed, beyond the clock skew. */
    EXPIRED,
    /** A NotBefore lies ahead, beyond the clock skew. */
    NOT_YET_VALID,
    /**
     * The bearer confirmation's InResponseTo (signed with the assertion) names no AuthnRequest we sent and have not
     * seen answered, differs from the Response's, or is missing while IdP-initiated sign-in is off (Profiles 4.1.4.3).
     */
    UNKNOWN_REQUEST,
    /**
     * The request this Response answers was started by another browser (or this browser's pre-auth cookie is gone):
     * posting someone else's unused Response would sign this browser in as them (login CSRF).
     */
    OTHER_BROWSER,
    /** This Assertion ID was accepted before: a replay (Profiles 4.1.4.5). */
    REPLAYED,
    /** No NameID, or no usable subject. */
    NO_SUBJECT,
    /** Entra ID sent groups.link instead of groups (more than 150 groups). */
    GROUPS_OVERAGE
}
