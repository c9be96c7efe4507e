package saml2nats.saml;

import java.time.Instant;

/**
 * The memory that makes a Response single-use: AuthnRequest IDs we sent and have not
 * seen answered, and Assertion IDs we have accepted. Checks only peek; {@link #commit}
 * runs once every other check has passed, so a rejected Response burns nothing.
 */
public interface RequestLedger {
    /** Whether an AuthnRequest with this ID was sent to this IdP and is still unanswered. */
    boolean isPending(String idp, String requestId);

    /** Whether this Assertion ID from this IdP was accepted before. */
    boolean wasSeen(String idp, String assertionId);

    /** Marks the request answered and the assertion seen until {@code keepUntil}; false when another thread got there first (a replay). */
    boolean commit(String idp, String requestId, String assertionId, Instant keepUntil);
}
