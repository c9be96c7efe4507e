package saml2nats.testing;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import saml2nats.json.JsonBuilder;

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
        JsonBuilder nats = JsonBuilder.object()
                .object("server_id", JsonBuilder.object().text("id", serverId).text("name", "test-server"))
                .textIfAny("user_nkey", userNkey)
                .object("client_info", JsonBuilder.object().text("host", "127.0.0.1").number("id", 42).text("kind", "Client")
                        .text("type", "nats"))
                .object("connect_opts", JsonBuilder.object().text("auth_token", token).text("lang", "java")
                        .text("version", "test").number("protocol", 1))
                .textIfAny("type", type)
                .number("version", 2);
        return JwtUtils.issueJWT(signer, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, life, iat,
                new String(signer.getPublicKey()), aud, nats::toJson);
    }

    public String valid(String userNkey, String token) throws Exception {
        return request(server, "authorization_request", "nats-authorization-request", userNkey, token,
                System.currentTimeMillis() / 1000, Duration.ofSeconds(2));
    }
}
