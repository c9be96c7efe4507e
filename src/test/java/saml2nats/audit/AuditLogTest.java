package saml2nats.audit;

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuditLogTest {
    @Test
    void oneParseableJsonLinePerEventEvenWithHostileText() throws Exception {
        AuditEvent e = new AuditEvent(Instant.parse("2026-01-01T00:00:00Z"), AuditEvent.Action.CONNECT,
                AuditEvent.Outcome.DENY, "UNKNOWN_TOKEN", "quote \" backslash \\ newline \n tab \t ctl \u0001", "",
                new AuditEvent.Person("a\"b", "e@x", "dev"), List.of("r\"1", "r2"), "",
                new AuditEvent.Client("127.0.0.1", "my\napp", "java", "2.26", "NABC", 7, "Client"), null);
        String line = AuditLog.toJson(e);
        assertEquals(-1, line.indexOf('\n'), "one line");
        JsonValue v = JsonParser.parse(line);
        assertEquals("deny", v.map.get("outcome").string);
        assertEquals("UNKNOWN_TOKEN", v.map.get("reason").string);
        assertEquals("a\"b", v.map.get("subject").string);
        assertEquals("r\"1", v.map.get("roles").array.get(0).string);
        assertEquals(7, v.map.get("client").map.get("client_id").i);
        assertEquals("my\napp", v.map.get("client").map.get("name").string);
    }
}
