package saml2nats.saml;

import saml2nats.session.Identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every step's verdict for one Response, what it said (for {@code saml inspect}), and
 * the identity when every step passed.
 *
 * @param idpSessionEnds the IdP's SessionNotOnOrAfter, when it sent one: a session here ends no later
 */
public record Validation(List<Step> steps, Optional<Identity> identity, Summary summary, Optional<Instant> idpSessionEnds) {

    /** What the Response claims, read from the verified element when there is one. */
    public record Summary(String issuer, String nameId, Map<String, List<String>> attributes,
                          Instant notBefore, Instant notOnOrAfter, String inResponseTo, String assertionId) {
        public static final Summary EMPTY = new Summary("", "", Map.of(), null, null, "", "");
    }

    public Validation {
        steps = List.copyOf(steps);
    }

    public boolean accepted() {
        return identity.isPresent();
    }

    /** The first failure, the one a sign-in page leads with. */
    public Optional<Step> firstFailure() {
        return steps.stream().filter(Step::failed).findFirst();
    }

    public List<Step> failures() {
        return steps.stream().filter(Step::failed).toList();
    }
}
