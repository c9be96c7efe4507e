package saml2nats.callout;

import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JwtUtils;
import saml2nats.json.JsonBuilder;
import saml2nats.policy.Grant;
import saml2nats.policy.Role;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and signs the two JWTs of an answer: the user JWT and the authorization
 * response around it (signed by the callout issuer account). In config mode the user
 * JWT is issued by the callout issuer with {@code aud} = target account and no
 * {@code issuer_account}, which nats-server refuses outside operator mode. In operator
 * mode it is signed by the target account's first signing key with
 * {@code issuer_account} = that account, which is how the server places it.
 * Pure: keys and times in, text out.
 */
final class JwtIssuer {
    private final SigningKey issuer;
    private final Map<String, Signer> operatorAccounts;

    /** An account's public key and its first signing key, made ready once. */
    private record Signer(String accountPublic, SigningKey key) { }

    JwtIssuer(NKey issuer) {
        this(issuer, Map.of());
    }

    JwtIssuer(NKey issuer, Map<String, CalloutKeys.Account> accounts) {
        if (issuer.getType() != NKey.Type.ACCOUNT) {
            throw new IllegalArgumentException("the callout issuer must be an account nkey (seed starting SA), was " + issuer.getType());
        }
        this.issuer = SigningKey.of(issuer);
        Map<String, Signer> signers = new HashMap<>();
        accounts.forEach((name, a) -> {
            try {
                signers.put(name, new Signer(a.publicKey(), SigningKey.of(a.signingKeys().get(0))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a signing key of account " + name + " is not usable", e);
            }
        });
        this.operatorAccounts = Map.copyOf(signers);
    }

    String issuerPublic() {
        return issuer.publicKey();
    }

    /**
     * @param iat epoch seconds now
     * @param exp epoch seconds of expiry; must be after {@code iat} (a zero lifetime would mean "never expires")
     */
    String userJwt(String userNkey, String name, Grant grant, List<String> tags, long iat, long exp) {
        if (exp <= iat) {
            throw new IllegalArgumentException("a user JWT must expire after it is issued");
        }
        Signer signer = operatorAccounts.get(grant.account());
        if (!operatorAccounts.isEmpty() && signer == null) {
            throw new IllegalArgumentException("no signing key for account " + grant.account());
        }
        JwtUtils.UserClaim claim = new JwtUtils.UserClaim(signer == null ? null : signer.accountPublic())
                .pub(permission(grant.publishAllow(), grant.publishDeny()))
                .sub(permission(grant.subscribeAllow(), grant.subscribeDeny()))
                .tags(tags.toArray(String[]::new));
        grant.responses().ifPresent(r -> claim.resp(responses(r)));
        if (signer != null) {
            return NatsJwt.issue(signer.key(), userNkey, name, iat, exp, null, claim);
        }
        return NatsJwt.issue(issuer, userNkey, name, iat, exp, grant.account(), claim);
    }

    /** The response: exactly one of {@code userJwt} and {@code error} is set. */
    String response(String serverId, String userNkey, String userJwt, String error, long iat) {
        return NatsJwt.issue(issuer, userNkey, null, iat, 0, serverId, new ResponseClaim(userJwt, error));
    }

    /**
     * nats-server reads a direction without an allow list as "everything" (and drops an empty
     * one from the JWT), so a direction no role allows is closed outright with {@code deny >}.
     * Replies under {@code allow_responses} still pass: the server allows those after the deny check.
     */
    private static JwtUtils.Permission permission(List<Grant.Rule> allow, List<Grant.Rule> deny) {
        JwtUtils.Permission p = new JwtUtils.Permission();
        if (allow.isEmpty()) {
            return p.deny(Grant.NOTHING);
        }
        p.allow(Grant.subjects(allow).toArray(String[]::new));
        if (!deny.isEmpty()) {
            p.deny(Grant.subjects(deny).toArray(String[]::new));
        }
        return p;
    }

    private static JwtUtils.ResponsePermission responses(Role.Responses r) {
        JwtUtils.ResponsePermission p = new JwtUtils.ResponsePermission().maxMsgs(r.max());
        return r.ttl().isZero() ? p : p.expires(r.ttl());
    }

    static List<String> tags(String idp, List<String> roles) {
        List<String> tags = new ArrayList<>();
        tags.add("idp:" + idp);
        roles.forEach(r -> tags.add("role:" + r));
        return tags;
    }

    /** The {@code nats} claim of an authorization response. */
    private record ResponseClaim(String jwt, String error) implements JsonSerializable {
        @Override
        public String toJson() {
            return JsonBuilder.object()
                    .textIfAny("jwt", jwt)
                    .textIfAny("error", error)
                    .text("type", Protocol.RESPONSE_TYPE)
                    .number("version", Protocol.VERSION)
                    .toJson();
        }
    }
}
