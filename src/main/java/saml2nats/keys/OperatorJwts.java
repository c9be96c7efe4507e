package saml2nats.keys;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import saml2nats.callout.Protocol;
import saml2nats.json.JsonBuilder;

import java.util.List;
import java.util.Optional;

/**
 * The JWTs of operator (decentralized) mode that {@code keys init --operator} writes
 * so the mode can be tried without nsc: an operator, accounts (the callout account
 * carrying the authorization settings, target accounts carrying their signing keys),
 * and users as creds files. Pure: keys and times in, text out. The claim shapes are
 * nats-server's v2 JWT claims.
 */
public final class OperatorJwts {
    private OperatorJwts() { }

    /** What the callout account's JWT says about auth callout. */
    public record Authorization(List<String> authUsers, List<String> allowedAccounts, Optional<String> xkey) { }

    public static String operator(NKey operator, String name, String systemAccount, long iat) throws Exception {
        String pub = new String(operator.getPublicKey());
        JsonBuilder claim = JsonBuilder.object()
                .textIfAny("system_account", systemAccount)
                .text("type", Protocol.OPERATOR_TYPE)
                .number("version", Protocol.VERSION);
        return JwtUtils.issueJWT(operator, pub, name, null, iat, pub, claim::toJson);
    }

    /**
     * An account without limits (-1: unlimited; JetStream on unless it is the system account,
     * which nats-server refuses), with its signing keys and, for the callout account, the
     * authorization block.
     */
    public static String account(NKey operator, String name, String accountPublic, List<String> signingKeys,
                                 Optional<Authorization> authorization, long iat) throws Exception {
        boolean jetstream = !name.equals("SYS");
        JsonBuilder limits = JsonBuilder.object().number("subs", -1).number("data", -1).number("payload", -1)
                .number("imports", -1).number("exports", -1).bool("wildcards", true).number("conn", -1).number("leaf", -1);
        if (jetstream) {
            limits.number("mem_storage", -1).number("disk_storage", -1).number("streams", -1).number("consumer", -1);
        }
        JsonBuilder claim = JsonBuilder.object().object("limits", limits);
        textsIfAny(claim, "signing_keys", signingKeys);
        authorization.ifPresent(a -> {
            JsonBuilder auth = JsonBuilder.object();
            textsIfAny(auth, "auth_users", a.authUsers());
            textsIfAny(auth, "allowed_accounts", a.allowedAccounts());
            claim.object("authorization", auth.textIfAny("xkey", a.xkey().orElse(null)));
        });
        claim.text("type", Protocol.ACCOUNT_TYPE).number("version", Protocol.VERSION);
        return JwtUtils.issueJWT(operator, accountPublic, name, null, iat, new String(operator.getPublicKey()), claim::toJson);
    }

    /**
     * A user of an account, signed by the account key. {@code sentinel}: may publish and
     * subscribe nothing and is a bearer token, so it can be handed to every client as
     * the way in to the callout (nats-server 2.10 needs a user JWT on connect in operator
     * mode; the callout then places the connection by its access token).
     */
    public static String user(NKey account, String userPublic, String name, boolean sentinel, long iat) throws Exception {
        JwtUtils.UserClaim claim = new JwtUtils.UserClaim(null);
        if (sentinel) {
            claim.pub(new JwtUtils.Permission().deny(">")).sub(new JwtUtils.Permission().deny(">"));
            claim.bearerToken = true;
        }
        return JwtUtils.issueJWT(account, userPublic, name, null, iat, new String(account.getPublicKey()), claim);
    }

    /** An empty list is left out, as nats's own JWT writers do. */
    private static void textsIfAny(JsonBuilder json, String key, List<String> values) {
        if (!values.isEmpty()) {
            json.texts(key, values);
        }
    }

    /** The creds file format nats clients read ({@code Nats.credentials}, {@code nats --creds}). */
    public static String creds(String jwt, char[] seed) {
        return saml2nats.cli.CredsFile.text(jwt, seed);
    }
}
