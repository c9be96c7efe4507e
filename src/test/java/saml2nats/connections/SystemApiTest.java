package saml2nats.connections;

import org.junit.jupiter.api.Test;
import saml2nats.session.Session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static saml2nats.testing.People.ALICE;

/** The servers' answers read without a server: CONNZ as nats-server sends it, and our user names in it. */
class SystemApiTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A CONNZ answer as nats-server sends it names its connections; an error or garbled answer names none. */
    @Test
    void aServersConnzAnswerYieldsItsConnectionsAndAnyOtherAnswerNone() {
        List<ServerConnection> read = SystemApi.connections(utf8("""
                {"server":{"name":"n1","id":"NSERVER1"},"data":{"server_id":"NSERVER1","num_connections":2,
                 "connections":[{"cid":7,"ip":"10.0.0.5","start":"2026-12-03T12:00:00.123456789Z","name":"orders",
                 "account":"DEV","authorized_user":"alice s2n:x"},{"cid":9,"authorized_user":"alice s2n:x"}]}}
                """));
        assertEquals(List.of(new ServerConnection("NSERVER1", "n1", 7, "alice s2n:x", "10.0.0.5", "orders", "DEV",
                Instant.parse("2026-12-03T12:00:00.123456789Z")), new ServerConnection("NSERVER1", "n1", 9, "alice s2n:x",
                "", "", "", Instant.EPOCH)), read);
        assertEquals(List.of(), SystemApi.connections(utf8("{\"error\":{\"code\":500}}")));
        assertEquals(List.of(), SystemApi.connections(utf8("not json")));
    }

    /** Each connection's session comes from its authorized user; a server without a name is called by its id. */
    @Test
    void theSessionOfEachConnectionComesFromItsAuthorizedUser() {
        List<ServerConnection> page = SystemApi.connections(utf8("""
                {"data":{"server_id":"NSERVER2","connections":[{"cid":3,"authorized_user":"alice s2n:s-1"},
                 {"cid":4,"authorized_user":"service-user"},{"cid":5}]}}
                """));
        assertEquals(3, page.size());
        assertEquals("NSERVER2", page.get(0).serverName());
        assertEquals(Optional.of("s-1"), page.get(0).session());
        assertEquals(Optional.empty(), page.get(1).session(), "not one of ours");
        assertEquals(Optional.empty(), page.get(2).session(), "no user at all");
        Session s7 = new Session("s-7", ALICE, Instant.now(), Instant.now().plus(Duration.ofHours(1)));
        assertEquals("alice s2n:s-7", ConnectionName.of(s7));
        assertEquals(Optional.of("s-7"), ConnectionName.sessionOf(ConnectionName.of(s7)));
        assertEquals("alice", ConnectionName.personOf(ConnectionName.of(s7)));
        assertEquals("service-user", ConnectionName.personOf("service-user"));
    }

    /** The servers' account events, as nats-server's events.go writes them; anything else is skipped. */
    @Test
    void connectAndDisconnectEventsAreReadAndAnythingElseIsSkipped() {
        String client = "\"client\":{\"start\":\"2026-12-03T12:00:00Z\",\"host\":\"10.1.2.3\",\"id\":42,"
                + "\"acc\":\"DEV\",\"user\":\"alice s2n:s-1\",\"name\":\"orders\",\"lang\":\"java\"";
        ConnectionEvent opened = ConnectionEvent.parse(utf8("{\"type\":\"io.nats.server.advisory.v1.client_connect\","
                + "\"server\":{\"name\":\"n1\",\"id\":\"NS1\"}," + client + "}}")).orElseThrow();
        assertEquals(new ServerConnection("NS1", "n1", 42, "alice s2n:s-1", "10.1.2.3", "orders", "DEV",
                Instant.parse("2026-12-03T12:00:00Z")), opened.connection());
        assertEquals(false, opened.closed());
        ConnectionEvent closed = ConnectionEvent.parse(utf8("{\"type\":\"io.nats.server.advisory.v1.client_disconnect\","
                + "\"server\":{\"name\":\"n1\",\"id\":\"NS1\"}," + client + ",\"stop\":\"2026-12-03T12:00:30Z\"},"
                + "\"sent\":{\"msgs\":10,\"bytes\":100},\"received\":{\"msgs\":3,\"bytes\":30},"
                + "\"reason\":\"Slow Consumer (Write Deadline)\"}")).orElseThrow();
        assertEquals(Instant.parse("2026-12-03T12:00:30Z"), closed.until());
        assertEquals(List.of(10L, 100L, 3L, 30L), List.of(closed.publishedMsgs(), closed.publishedBytes(),
                closed.deliveredMsgs(), closed.deliveredBytes()), "sent is what the client published");
        assertEquals("SLOW_CONSUMER_WRITE_DEADLINE", closed.reasonCode());
        for (String other : List.of("{\"type\":\"io.nats.server.advisory.v1.client_auth\"}", "not json", "{}",
                "{\"type\":\"io.nats.server.advisory.v1.client_connect\",\"server\":{\"id\":\"NS1\"}}")) {
            assertEquals(Optional.empty(), ConnectionEvent.parse(utf8(other)), other);
        }
    }
}
