package saml2nats.saml;

import java.time.Instant;

/**
 * The memory that makes a Response single-use: AuthnRequest IDs we sent and have not
 * seen answered, and Assertion IDs we have accepted; and an IdP's LogoutRequest too. Checks only peek; {@link #commit}
 * runs once every other check has passed, so a rejected Response burns nothing.
 */
public interface RequestLedger {
    /** How long an AuthnRequest we sent may be answered. */
    java.time.Duration REQUEST_LIFETIME = java.time.Duration.ofMinutes(10);
    /**
     * How long a shared ledger keeps accepted assertion IDs (its bucket's age limit). Replay
     * past it needs an assertion whose bearer confirmation is still valid a day later.
     */
    java.time.Duration ASSERTION_MEMORY = java.time.Duration.ofHours(24);

    /** Remembers an AuthnRequest we sent, answerable until {@code until}, and the browser that asked for it. */
    void sent(String idp, String requestId, Instant until, BrowserBinding browser);

    /** Whether an AuthnRequest with this ID was sent to this IdP and is still unanswered. */
    boolean isPending(String idp, String requestId);

    /** Whether this pending request was started by {@code browser}. */
    boolean startedBy(String idp, String requestId, BrowserBinding browser);

    /** Whether this Assertion ID from this IdP was accepted before. */
    boolean wasSeen(String idp, String assertionId);

    /** Marks the request answered and the assertion seen until {@code keepUntil}; false when another thread got there first (a replay). */
    boolean commit(String idp, String requestId, String assertionId, Instant keepUntil);

    /** Remembers an IdP's LogoutRequest ID until {@code keepUntil}; false when it was carried out before (a replay). */
    boolean firstLogout(String idp, String logoutRequestId, Instant keepUntil);
}
