package saml2nats.policy;

import java.util.Map;
import java.util.Set;

/**
 * The accounts each IdP may ever grant, from the service config. A role naming any
 * other account is invisible to that IdP's people, whatever groups their assertion
 * claims: one company's IdP never lands anybody in another company's account.
 * An IdP without an entry is unrestricted.
 */
public record Tenancy(Map<String, Set<String>> accountsByIdp) {
    public static final Tenancy OPEN = new Tenancy(Map.of());

    public Tenancy {
        accountsByIdp = Map.copyOf(accountsByIdp);
    }

    public boolean mayGrant(String idp, String account) {
        Set<String> allowed = accountsByIdp.get(idp);
        return allowed == null || allowed.contains(account);
    }
}
