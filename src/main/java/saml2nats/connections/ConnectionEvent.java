package saml2nats.connections;

import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A server's account connect or disconnect event ({@code $SYS.ACCOUNT.<account>.CONNECT},
 * {@code .DISCONNECT}; nats-server {@code server/events.go}: {@code ConnectEventMsg},
 * {@code DisconnectEventMsg}). The disconnect's {@code sent} is what the client sent (its
 * published messages), {@code received} what the server delivered to it.
 *
 * @param until   when it closed; null for a connect
 * @param reason  the server's words for the close ("Client Closed", "Kicked", ...); empty for a connect
 */
record ConnectionEvent(ServerConnection connection, Instant until, long publishedMsgs, long publishedBytes,
                       long deliveredMsgs, long deliveredBytes, String reason) {
    static final String CONNECT_TYPE = "io.nats.server.advisory.v1.client_connect";
    static final String DISCONNECT_TYPE = "io.nats.server.advisory.v1.client_disconnect";

    boolean closed() {
        return until != null;
    }

    /** The server's reason as an audit code: {@code "Client Closed"} reads {@code CLIENT_CLOSED}. */
    String reasonCode() {
        String code = reason.trim().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_|_$", "");
        return code.isEmpty() ? "UNKNOWN" : code;
    }

    /** The event, or empty for anything else (another event type, a garbled body): the ledger skips it. */
    static Optional<ConnectionEvent> parse(byte[] body) {
        try {
            JsonObject e = JsonObject.parse(body);
            String type = e.text("type").orElse("");
            boolean closing = DISCONNECT_TYPE.equals(type);
            if (!closing && !CONNECT_TYPE.equals(type)) {
                return Optional.empty();
            }
            Optional<JsonObject> server = e.object("server");
            Optional<JsonObject> client = e.object("client");
            String serverId = server.flatMap(s -> s.text("id")).orElse("");
            if (serverId.isEmpty() || client.isEmpty() || client.get().number("id").isEmpty()) {
                return Optional.empty();
            }
            JsonObject c = client.get();
            ServerConnection conn = new ServerConnection(serverId, server.get().text("name").orElse(serverId),
                    c.number("id").getAsLong(), ConnectionName.userOf(c.text("user"), c.text("name_tag"), c.text("jwt")), c.text("host").orElse(""),
                    c.text("name").orElse(""), c.text("acc").orElse(""), SystemApi.instant(c.text("start")));
            if (!closing) {
                return Optional.of(new ConnectionEvent(conn, null, 0, 0, 0, 0, ""));
            }
            Instant stop = SystemApi.instant(c.text("stop").or(() -> e.text("timestamp")));
            return Optional.of(new ConnectionEvent(conn, stop,
                    e.object("sent").flatMap(x -> boxed(x, "msgs")).orElse(0L),
                    e.object("sent").flatMap(x -> boxed(x, "bytes")).orElse(0L),
                    e.object("received").flatMap(x -> boxed(x, "msgs")).orElse(0L),
                    e.object("received").flatMap(x -> boxed(x, "bytes")).orElse(0L),
                    e.text("reason").orElse("")));
        } catch (JsonException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> boxed(JsonObject o, String key) {
        var n = o.number(key);
        return n.isPresent() ? Optional.of(n.getAsLong()) : Optional.empty();
    }
}
