package saml2nats.session;

import java.time.Instant;

/**
 * A signed-in person. The store keys it by the SHA-256 of its access token; the
 * token itself is never kept.
 *
 * @param id       a non-secret handle for logs and audit lines (not the token, not its hash)
 * @param identity who signed in
 * @param created  when
 * @param expires  when the session ends on its own; nothing issued from it outlives this
 */
public record Session(String id, Identity identity, Instant created, Instant expires) {
    public boolean isLiveAt(Instant now) {
        return now.isBefore(expires);
    }
}
