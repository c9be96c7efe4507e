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
 * @param origin   how and from where it was made, for the person's list of their sessions
 * @param userKey  the user nkey ({@code U...}) its key-bound creds are issued for, once the CLI proved it holds
 *                 the key; "" until then. A bound session's token no longer connects by itself (a stolen token
 *                 is not the key) and its creds are issued for this key only.
 */
public record Session(String id, Identity identity, Instant created, Instant expires, Origin origin, String userKey) {
    public Session {
        userKey = userKey == null ? "" : userKey;
    }

    public Session(String id, Identity identity, Instant created, Instant expires, Origin origin) {
        this(id, identity, created, expires, origin, "");
    }

    /** The same session, bound to this user key. */
    public Session boundTo(String key) {
        return new Session(id, identity, created, expires, origin, key);
    }

    public boolean isKeyBound() {
        return !userKey.isEmpty();
    }

    /**
     * How a session came to be: a browser sign-in or a CLI sign-in (loopback or device), the
     * client address the service saw and the user agent it gave (shown, never trusted).
     */
    public record Origin(Kind kind, String address, String userAgent) {
        public enum Kind {
            BROWSER("browser"), CLI_LOOPBACK("CLI (browser hand-off)"), CLI_DEVICE("CLI (device code)"),
            UNKNOWN("unknown");

            private final String words;

            Kind(String words) {
                this.words = words;
            }

            /** What the person reads in their list of sessions. */
            public String words() {
                return words;
            }
        }

        public static final Origin UNKNOWN = new Origin(Kind.UNKNOWN, "", "");

        public Origin {
            address = address == null ? "" : address;
            // a user agent is the client's own words: kept short, only to recognize a session by
            userAgent = userAgent == null ? "" : userAgent.length() > 160 ? userAgent.substring(0, 160) : userAgent;
        }
    }

    /** A session whose origin is not known (made before origins were kept, or by a test). */
    public Session(String id, Identity identity, Instant created, Instant expires) {
        this(id, identity, created, expires, Origin.UNKNOWN);
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(expires);
    }
}
