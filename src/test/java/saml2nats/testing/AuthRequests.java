package saml2nats.testing;

import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JsonUtils;
import io.nats.client.support.JwtUtils;

import java.security.SecureRandom;
import java.time.Duration;

/** Authorization requests as nats-server builds them, signed by a server nkey the test holds. */
public final class AuthRequests {
    private static final SecureRandom RANDOM = new SecureRandom();

    public final NKey server;
    public final String serverId;

    public AuthRequests() throws Exception {
        this(NKey.createServer(RANDOM));
    }

    public AuthRequests(NKey server) throws Exception {
        this.server = server;
        this.serverId = new String(server.getPublicKey());
    }

    public static String newUserNkey() throws Exception {
        return new String(NKey.createUser(RANDOM).getPublicKey());
    }

    /** A request for {@code token}; {@code type} and {@code aud} as given, issued at {@code iat} lasting {@code life}. */
    public String request(NKey signer, String type, String aud, String userNkey, String token, long iat, Duration life)
            throws Exception {
        JsonSerializable nats = () -> {
            StringBuilder sb = JsonUtils.beginJson();
            sb.append("\"server_id\":{\"id\":\"").append(serverId).append("\",\"name\":\"test-server\"},");
            JsonUtils.addField(sb, "user_nkey", userNkey);
            sb.append("\"client_info\":{\"host\":\"127.0.0.1\",\"id\":42,\"kind\":\"Client\",\"type\":\"nats\"},");
            sb.append("\"connect_opts\":{");
            if (token != null) {
                sb.append("\"auth_token\":\"").append(token).append("\",");
            }
            sb.append("\"lang\":\"java\",\"version\":\"test\",\"protocol\":1},");
            JsonUtils.addField(sb, "type", type);
            JsonUtils.addField(sb, "version", 2);
            return JsonUtils.endJson(sb).toString();
        };
        return JwtUtils.issueJWT(signer, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, life, iat,
                new String(signer.getPublicKey()), aud, nats);
    }

    public String valid(String userNkey, String token) throws Exception {
        return request(server, "authorization_request", "nats-authorization-request", userNkey, token,
                System.currentTimeMillis() / 1000, Duration.ofSeconds(2));
    }
}
