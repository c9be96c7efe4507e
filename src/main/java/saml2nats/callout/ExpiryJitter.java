package saml2nats.callout;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Spreads user JWT expiries: each ends up to {@code percent} of its lifetime early, drawn
 * evenly, never later than the end it was given (the session's end or the role's ttl) and
 * never sooner than a second from now. Without it a crowd that connected together (a
 * deploy, a server restart) expires together and reconnects together, and every one of
 * those reconnects is a callout.
 */
public record ExpiryJitter(int percent, RandomGenerator random) {
    public static final ExpiryJitter NONE = new ExpiryJitter(0, RandomGenerator.getDefault());

    public ExpiryJitter {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("jitter is a percentage from 0 to 100, was " + percent);
        }
    }

    /** A whole second at or before {@code end}, at most {@code percent} of {@code now..end} before it. */
    Instant spread(Instant now, Instant end) {
        long lifetime = Duration.between(now, end).toSeconds();
        if (percent == 0 || lifetime <= 1) {
            return end;
        }
        long earlier = (long) Math.floor(random.nextDouble() * lifetime * percent / 100.0);
        // a lifetime of two seconds or more puts now + 1 at or before end's second: never later than end
        return Instant.ofEpochSecond(Math.max(end.getEpochSecond() - earlier, now.getEpochSecond() + 1));
    }
}
