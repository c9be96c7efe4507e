package saml2nats.connections;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.json.JsonBuilder;
import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the service asks nats-server's system account about client connections, from its
 * system-account user (nats-server >= 2.10): every server's CONNZ at once
 * ({@code $SYS.REQ.SERVER.PING.CONNZ}), filtered by one user name or page by page, and a kick
 * ({@code $SYS.REQ.SERVER.<id>.KICK}). Sign-out's kicks and the connection ledger both go
 * through here, so the servers' answers are read in one place.
 */
public final class SystemApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemApi.class);
    static final String KICK_SUBJECT = "$SYS.REQ.SERVER.%s.KICK";
    static final String CONNZ_PING_SUBJECT = "$SYS.REQ.SERVER.PING.CONNZ";
    private static final Duration REPLY_WAIT = Duration.ofSeconds(2);
    /** How long the first server may take to answer a CONNZ lookup; none answering means none to find. */
    private static final Duration FIRST_ANSWER = Duration.ofSeconds(1);
    /** The other servers of a cluster answer close behind the first. */
    private static final Duration MORE_ANSWERS = Duration.ofMillis(200);
    /** More connections than one person's session would hold; CONNZ pages beyond it. */
    static final int CONNZ_LIMIT = 1024;

    /** What a kick did: the server closed the client, it was gone already, or the request failed. */
    public enum Kick { CLOSED, GONE, FAILED }

    /** A lookup whose servers could not be asked (the connection is down): what was found is partial. */
    public static final class LookupFailed extends Exception {
        LookupFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final Connection system;

    public SystemApi(Connection system) {
        this.system = system;
    }

    /** The system-account connection itself, for the event subscriptions and server identity checks. */
    public Connection connection() {
        return system;
    }

    /** The connections every server reports under exactly this user name. */
    public List<ServerConnection> named(String user, String about) throws LookupFailed {
        List<ServerConnection> out = new ArrayList<>();
        for (byte[] answer : connz(JsonBuilder.object().bool("auth", true).text("user", user).number("limit", CONNZ_LIMIT),
                about)) {
            out.addAll(connections(answer));
        }
        return out;
    }

    /** Every connection on every server, page by page. */
    public List<ServerConnection> all(String about) throws LookupFailed {
        return everyPage(about, SystemApi::connections);
    }

    /**
     * What each live connection has sent and been sent so far, as the servers count it now (the
     * ledger learns the counts only when a connection closes). {@code in_*} is what the client published.
     */
    public record Counts(long publishedMsgs, long publishedBytes, long deliveredMsgs, long deliveredBytes) { }

    /** Every connection's counts on every server, page by page. */
    public java.util.Map<ServerConnection.Key, Counts> counts(String about) throws LookupFailed {
        java.util.Map<ServerConnection.Key, Counts> out = new java.util.HashMap<>();
        everyPage(about, SystemApi::counts).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private <T> List<T> everyPage(String about, java.util.function.Function<byte[], List<T>> read) throws LookupFailed {
        List<T> out = new ArrayList<>();
        for (int offset = 0; ; offset += CONNZ_LIMIT) {
            boolean more = false;
            for (byte[] answer : connz(JsonBuilder.object().bool("auth", true).number("limit", CONNZ_LIMIT)
                    .number("offset", offset), about)) {
                List<T> page = read.apply(answer);
                more |= page.size() == CONNZ_LIMIT;
                out.addAll(page);
            }
            if (!more) {
                return out;
            }
        }
    }

    static final String CLAIMS_LOOKUP_SUBJECT = "$SYS.REQ.ACCOUNT.%s.CLAIMS.LOOKUP";
    static final String CLAIMS_UPDATE_SUBJECT = "$SYS.REQ.CLAIMS.UPDATE";

    /**
     * The account JWT the servers hold now (a full resolver answers {@code CLAIMS.LOOKUP} with the JWT
     * itself), so an edit keeps what ops set with nsc; or why it could not be had.
     */
    public String accountJwt(String accountPublicKey) throws LookupFailed {
        try {
            Message reply = system.request(String.format(CLAIMS_LOOKUP_SUBJECT, accountPublicKey), new byte[0], REPLY_WAIT);
            String jwt = reply == null ? "" : new String(reply.getData(), StandardCharsets.UTF_8).trim();
            if (jwt.split("\\.").length != 3) {
                throw new LookupFailed("no server answered with the JWT of account " + accountPublicKey
                        + " (is the resolver the full nats resolver, and the account known to it?)");
            }
            return jwt;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupFailed("interrupted while asking for the JWT of account " + accountPublicKey);
        } catch (RuntimeException e) {
            throw new LookupFailed("could not ask the servers for the JWT of account " + accountPublicKey + ": " + e);
        }
    }

    /**
     * Pushes an account JWT to the servers ({@code CLAIMS.UPDATE}; a full resolver stores it and passes it to the
     * cluster); the first server's answer, or why it refused. The servers apply its revocations at once.
     */
    public void pushAccountJwt(String jwt) throws LookupFailed {
        Message reply;
        try {
            reply = system.request(CLAIMS_UPDATE_SUBJECT, jwt.getBytes(StandardCharsets.UTF_8), REPLY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupFailed("interrupted while pushing an account JWT");
        } catch (RuntimeException e) {
            throw new LookupFailed("could not push an account JWT: " + e);
        }
        if (reply == null) {
            throw new LookupFailed("no server answered the account JWT update within " + REPLY_WAIT.toSeconds() + " s");
        }
        try {
            JsonObject answer = JsonObject.parse(reply.getData());
            Optional<JsonObject> error = answer.object("error");
            if (error.isPresent()) {
                throw new LookupFailed("the server refused the account JWT: " + error.get().text("description")
                        .orElse(error.get().toJson()));
            }
        } catch (JsonException e) {
            throw new LookupFailed("the server's answer to the account JWT update is not JSON");
        }
    }

    /** Asks server {@code serverId} to close client {@code clientId}. */
    public Kick kick(String serverId, long clientId) {
        try {
            Message reply = system.request(String.format(KICK_SUBJECT, serverId),
                    ("{\"cid\":" + clientId + "}").getBytes(StandardCharsets.UTF_8), REPLY_WAIT);
            return refused(reply) ? Kick.GONE : Kick.CLOSED;
        } catch (Exception e) {
            log.warn("could not kick client {} on server {}: {}", clientId, serverId, e.toString());
            return Kick.FAILED;
        }
    }

    /**
     * Asks every server for CONNZ with these options. Servers answer a PING together; after
     * the first answer the others come within {@link #MORE_ANSWERS}, so the wait ends there.
     */
    private List<byte[]> connz(JsonBuilder options, String about) throws LookupFailed {
        List<byte[]> out = new ArrayList<>();
        Subscription answers = null;
        try {
            String inbox = system.createInbox();
            answers = system.subscribe(inbox);
            system.publish(CONNZ_PING_SUBJECT, inbox, options.toJson().getBytes(StandardCharsets.UTF_8));
            Duration wait = FIRST_ANSWER;
            Message m;
            while ((m = answers.nextMessage(wait)) != null) {
                wait = MORE_ANSWERS;
                out.add(m.getData());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw new LookupFailed("could not ask the servers for the connections of " + about + ": " + e);
        } finally {
            if (answers != null) {
                try {
                    answers.unsubscribe();
                } catch (RuntimeException closedMeanwhile) {
                    // the connection went down: nothing left to unsubscribe from
                }
            }
        }
        return out;
    }

    /**
     * One server's CONNZ answer, {@code {"server":{"id","name"},"data":{"server_id":…,"connections":[…]}}};
     * an error answer, or one that is not JSON, holds none.
     */
    static List<ServerConnection> connections(byte[] answer) {
        return each(answer, (server, serverName, c) -> new ServerConnection(server, serverName, c.number("cid").getAsLong(),
                ConnectionName.userOf(c.text("authorized_user"), c.text("name_tag"), c.text("jwt")), c.text("ip").orElse(""), c.text("name").orElse(""),
                c.text("account").orElse(""), instant(c.text("start"))));
    }

    /** One server's CONNZ answer as each connection's counts. */
    static List<java.util.Map.Entry<ServerConnection.Key, Counts>> counts(byte[] answer) {
        return each(answer, (server, serverName, c) -> java.util.Map.entry(
                new ServerConnection.Key(server, c.number("cid").getAsLong()), new Counts(count(c, "in_msgs"),
                        count(c, "in_bytes"), count(c, "out_msgs"), count(c, "out_bytes"))));
    }

    private static long count(JsonObject c, String field) {
        java.util.OptionalLong n = c.number(field);
        return n.isPresent() ? n.getAsLong() : 0;
    }

    private interface Reader<T> {
        T read(String serverId, String serverName, JsonObject connection);
    }

    /** Each connection (with a {@code cid}) of a CONNZ answer; an error answer, or one not JSON, holds none. */
    private static <T> List<T> each(byte[] answer, Reader<T> reader) {
        List<T> out = new ArrayList<>();
        try {
            JsonObject whole = JsonObject.parse(answer);
            Optional<JsonObject> data = whole.object("data");
            String server = data.flatMap(d -> d.text("server_id")).orElse("");
            if (server.isEmpty()) {
                return out;
            }
            String serverName = whole.object("server").flatMap(s -> s.text("name")).orElse(server);
            for (JsonObject c : data.get().objects("connections")) {
                if (c.number("cid").isPresent()) {
                    out.add(reader.read(server, serverName, c));
                }
            }
        } catch (JsonException e) {
            log.warn("a server's CONNZ answer is not JSON; its connections are not read");
        }
        return out;
    }

    /** nats-server's RFC 3339 times (nanoseconds, a zone offset); an unreadable one reads as the epoch. */
    static Instant instant(Optional<String> text) {
        try {
            return text.map(t -> java.time.OffsetDateTime.parse(t).toInstant()).orElse(Instant.EPOCH);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** Whether the server's API answer carries its {@code error} object ("no such client": nothing left to kick). */
    private static boolean refused(Message reply) {
        if (reply == null) {
            return false;
        }
        try {
            return JsonObject.parse(reply.getData()).has("error");
        } catch (JsonException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            system.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
