package saml2nats.handoff;

import com.github.benmanes.caffeine.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.config.Durations;
import saml2nats.handoff.CliHandoff.Refusal;
import saml2nats.store.ExpiringCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How many device codes a person may try, and how many wrong ones everyone together types in a
 * minute. Every try counts against the person (IdP and subject, so signing in again does not reset
 * it) and is taken back only when the code was right: checking and counting are one step, so
 * parallel guesses cannot slip past the limit, and past it even this person's right code waits out
 * the window (their own wrong guesses put them there). Wrong codes also count against everyone:
 * past {@link #WRONG_GUESSES_PER_MINUTE} a guessing campaign is under way, which is logged, but a
 * right code still goes through: a brake that refused those would let a handful of throw-away
 * identities lock every real person out. Counts are per replica.
 */
final class GuessLimit {
    private static final Logger log = LoggerFactory.getLogger(GuessLimit.class);
    static final int WRONG_GUESSES_PER_SESSION = 5;
    static final Duration GUESS_WINDOW = Duration.ofMinutes(15);
    static final int WRONG_GUESSES_PER_MINUTE = 60;

    private record Guesses(int wrong, Instant until) { }

    private final Clock clock;
    private final Cache<String, Guesses> guessesByPerson;
    private final Object everyoneLock = new Object();
    private Instant everyoneWindow = Instant.EPOCH;
    private int everyoneWrong;

    GuessLimit(Clock clock, long maxPeople) {
        this.clock = clock;
        this.guessesByPerson = ExpiringCache.create(maxPeople, clock, Guesses::until);
    }

    /** Counts one try against the guesser, refused once they are past their limit. */
    void count(String guesser) throws Refusal {
        Guesses g = guessesByPerson.asMap().merge(guesser, new Guesses(1, clock.instant().plus(GUESS_WINDOW)),
                (old, one) -> new Guesses(old.wrong() + 1, old.until()));
        if (g.wrong() > WRONG_GUESSES_PER_SESSION) {
            throw new Refusal(HandoffError.TOO_MANY_GUESSES);
        }
    }

    /** The code was right: the try is taken back. */
    void right(String guesser) {
        guessesByPerson.asMap().computeIfPresent(guesser, (k, old) -> new Guesses(old.wrong() - 1, old.until()));
    }

    /** The code was wrong: one more across everyone, logged once the minute's count passes the brake. */
    void wrong() {
        if (countWrong(clock.instant()) == WRONG_GUESSES_PER_MINUTE + 1) {
            log.warn("more than {} wrong device codes within a minute, from several people: someone may be guessing "
                    + "codes (each person stays limited to {} per {})", WRONG_GUESSES_PER_MINUTE,
                    WRONG_GUESSES_PER_SESSION, Durations.format(GUESS_WINDOW));
        }
    }

    /** Counts one more wrong code in the current minute, across everyone, and returns the count. */
    private int countWrong(Instant now) {
        synchronized (everyoneLock) {
            if (!now.isBefore(everyoneWindow.plus(Duration.ofMinutes(1)))) {
                everyoneWindow = now;
                everyoneWrong = 0;
            }
            return ++everyoneWrong;
        }
    }
}
