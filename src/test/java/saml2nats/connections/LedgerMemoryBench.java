package saml2nats.connections;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import saml2nats.audit.AuditLog;
import saml2nats.session.AccessToken;
import saml2nats.session.Identity;
import saml2nats.session.Session;
import saml2nats.session.SessionStore;
import saml2nats.store.StateBackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Heap the connection ledger's live view takes per connection: 10,000 sessions, then
 * 100,000 connections of theirs (ten each, as the servers' connect events describe them),
 * live heap measured after full collections before and after. No server: the view is
 * filled through the same path the events take, each event's strings fresh as a parsed event's are. Appended to target/bench/memory.txt.
 */
public final class LedgerMemoryBench {
    /** Server ids are 56 characters (a server's public nkey); three servers. */
    static final String[] SERVERS = {"NA" + "A".repeat(54), "NB" + "B".repeat(54), "NC" + "C".repeat(54)};

    private LedgerMemoryBench() { }

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(System.getenv().getOrDefault("LEDGER_CONNECTIONS", "100000"));
        Clock clock = Clock.systemUTC();
        SessionStore sessions = SessionStore.open(new StateBackend.Embedded(1_000_000, clock), Duration.ofHours(8), clock,
                new AccessToken(new SecureRandom()));
        int people = Math.max(1, connections / 10);
        for (int i = 0; i < people; i++) {
            sessions.create(new Identity("okta", "user" + i + "@example.com", "user" + i + "@example.com", "user" + i,
                    "User Number " + i, List.of("eng-developers", "staff")), Duration.ofHours(8));
        }
        List<Session> live = sessions.live();
        Ledger ledger = new Ledger(new SystemApi(null), sessions, who -> List.of("developers"),
                new AuditLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())), new SimpleMeterRegistry(),
                connections);
        long before = heap();
        Instant since = Instant.now();
        for (int i = 0; i < connections; i++) {
            Session s = live.get(i % live.size());
            ledger.apply(new ConnectionEvent(new ServerConnection(new String(SERVERS[i % 3]), "nats-" + (i % 3), i, ConnectionName.of(s), "10.0." + (i / 250 % 250) + "." + (i % 250),
                    "orders-" + i, new String("DEV"), since.plusMillis(i)), null, 0, 0, 0, 0, ""));
        }
        long after = heap();
        if (ledger.all().size() != connections) {
            throw new IllegalStateException("the view holds " + ledger.all().size() + ", not " + connections);
        }
        String line = String.format("ledger: %d live connections of %d sessions: %.0f bytes of heap each (%d MiB)%n",
                connections, people, (after - before) / (double) connections, (after - before) >> 20);
        System.out.print(line);
        Path out = Path.of("target", "bench", "memory.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
