package saml2nats.store;

import java.time.Duration;

/**
 * One kind of state and how long its entries must be kept: declared by the code that
 * owns that state, beside the lifetime it covers (a session's length, a code's life).
 * In JetStream KV it is the bucket {@code <prefix>-<name>} with {@code maxAge} as its age
 * limit; in memory each entry is dropped at its own time and {@code maxAge} is not needed.
 */
public record Bucket(String name, Duration maxAge) {
    public Bucket {
        if (!name.matches("[a-z]+")) {
            throw new IllegalArgumentException("a bucket name is lower-case letters: " + name);
        }
    }
}
