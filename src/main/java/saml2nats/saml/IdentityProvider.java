package saml2nats.saml;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One configured IdP as the web front uses it: where to send people, what to trust
 * (refreshed when it comes from a metadata URL), and how it shows on the sign-in page.
 */
public final class IdentityProvider {
    /** The parts metadata can change: what to trust, and where the IdP takes sign-in and logout messages. */
    public record Trust(IdpSettings settings, Endpoints sso, Endpoints slo) {
        /** URLs given as {@code sso_url} / {@code slo_url}: HTTP-Redirect; an empty SLO URL is none. */
        public Trust(IdpSettings settings, String ssoUrl, String sloUrl) {
            this(settings, Endpoints.redirectOnly(ssoUrl), Endpoints.redirectOnly(sloUrl));
        }
    }

    private final String id;
    private final String label;
    private final List<String> domains;
    private final Set<String> accounts;
    private final AtomicReference<Trust> trust;

    public IdentityProvider(String id, String label, List<String> domains, Set<String> accounts, Trust first) {
        this.id = id;
        this.label = label;
        this.domains = List.copyOf(domains);
        this.accounts = Set.copyOf(accounts);
        this.trust = new AtomicReference<>(first);
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public List<String> domains() {
        return domains;
    }

    public Set<String> accounts() {
        return accounts;
    }

    public Trust trust() {
        return trust.get();
    }

    void replace(Trust next) {
        trust.set(next);
    }
}
