package saml2nats.callout;

import saml2nats.policy.Grant;
import saml2nats.session.Session;

import java.time.Instant;
import java.util.Optional;

/** What the responder decided for one request. */
sealed interface Verdict {
    /** A user JWT was issued for the session, with the grant, until {@code expires}. */
    record Allowed(Session session, Grant grant, Instant expires) implements Verdict { }

    /** Refused; {@code session} is known when the token was good but the policy said no. */
    record Denied(CalloutError code, String reason, Optional<Session> session) implements Verdict { }
}
