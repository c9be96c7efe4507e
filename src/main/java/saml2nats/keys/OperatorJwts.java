package saml2nats.keys;

import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JsonUtils;
import io.nats.client.support.JwtUtils;
import saml2nats.callout.Protocol;

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
        return JwtUtils.issueJWT(operator, pub, name, null, iat, pub, () -> {
            StringBuilder sb = JsonUtils.beginJson();
            JsonUtils.addField(sb, "system_account", systemAccount);
            JsonUtils.addField(sb, "type", Protocol.OPERATOR_TYPE);
            JsonUtils.addField(sb, "version", Protocol.VERSION);
            return JsonUtils.endJson(sb).toString();
        });
    }

    /**
     * An account without limits (-1: unlimited; JetStream on unless it is the system account,
     * which nats-server refuses), with its signing keys and, for the callout account, the
     * authorization block.
     */
    public static String account(NKey operator, String name, String accountPublic, List<String> signingKeys,
                                 Optional<Authorization> authorization, long iat) throws Exception {
        boolean jetstream = !name.equals("SYS");
        JsonSerializable claim = () -> {
            StringBuilder sb = JsonUtils.beginJson();
            sb.append("\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                    + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1")
                    .append(jetstream ? ",\"mem_storage\":-1,\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1" : "")
                    .append("},");
            JsonUtils.addStrings(sb, "signing_keys", signingKeys);
            authorization.ifPresent(a -> {
                StringBuilder auth = JsonUtils.beginJson();
                JsonUtils.addStrings(auth, "auth_users", a.authUsers());
                JsonUtils.addStrings(auth, "allowed_accounts", a.allowedAccounts());
                a.xkey().ifPresent(x -> JsonUtils.addField(auth, "xkey", x));
                JsonUtils.addRawJson(sb, "authorization", JsonUtils.endJson(auth).toString());
            });
            JsonUtils.addField(sb, "type", Protocol.ACCOUNT_TYPE);
            JsonUtils.addField(sb, "version", Protocol.VERSION);
            return JsonUtils.endJson(sb).toString();
        };
        return JwtUtils.issueJWT(operator, accountPublic, name, null, iat, new String(operator.getPublicKey()), claim);
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

    /** The creds file format nats clients read ({@code Nats.credentials}, {@code nats --creds}). */
    public static String creds(String jwt, char[] seed) {
        return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "************************* IMPORTANT *************************\n"
                + "NKEY Seed printed below can be used to sign and prove identity.\n"
                + "NKEYs are sensitive and should be treated as secrets.\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + new String(seed) + "\n------END USER NKEY SEED------\n\n"
                + "*************************************************************\n";
    }
}
