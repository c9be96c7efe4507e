package saml2nats.callout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicySource;
import saml2nats.session.Ending;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;
import saml2nats.store.Bucket;
import saml2nats.store.Slots;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A mapping edit bites too: after an accepted reload each live session's grant is decided
 * again, and the connections of every session whose grant changed (narrowed, widened or
 * gone) are kicked, so they reconnect under the new grant or are refused; sessions whose
 * grant is unchanged keep their connections. A user JWT carries its permissions, so
 * without the kick a narrowed grant would hold until the JWT expired.
 *
 * <p>Every replica reads the same edit; the first to claim its fingerprint in the state
 * backend does the kicks, so a cluster kicks once. The fingerprint covers the bytes before
 * and after, so an edit undone and made again within {@link #CLAIM_KEPT} is not reviewed
 * the second time: connections made under the undone state keep it until their JWTs expire.
 */
public final class GrantReview implements PolicySource.Changed {
    private static final Logger log = LoggerFactory.getLogger(GrantReview.class);
    static final Duration CLAIM_KEPT = Duration.ofMinutes(2);
    /** Which replica reviews an edit: claims by fingerprint, kept a little past the replicas' polling. */
    public static final Bucket BUCKET = new Bucket("reloads", CLAIM_KEPT);

    private final SessionStore sessions;
    private final Kicker kicker;
    private final Slots claims;
    private final Clock clock;

    public GrantReview(SessionStore sessions, Kicker kicker, Slots claims, Clock clock) {
        this.sessions = sessions;
        this.kicker = kicker;
        this.claims = claims;
        this.clock = clock;
    }

    @Override
    public void changed(Policy before, Policy after, String fingerprint) {
        if (!claims.create(fingerprint, new byte[]{1}, clock.instant().plus(CLAIM_KEPT))) {
            return; // another replica reviews this edit
        }
        List<Session> regranted = sessions.live().stream()
                .filter(s -> !before.decide(s.identity()).equals(after.decide(s.identity()))).toList();
        log.info("mapping edit {}: {} of the live sessions have another grant now; their connections are kicked",
                fingerprint.substring(0, 8), regranted.size());
        kicker.reauthorizeAll(regranted, new Ending(Ending.Cause.RELOAD, "mapping edit " + fingerprint.substring(0, 8)));
    }
}
