package saml2nats.report;

import org.junit.jupiter.api.Test;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.policy.PolicyLoader;
import saml2nats.session.Ending;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who held which grant, from audit lines the service's own {@link AuditLog} writes; no server. */
class HoldingsTest {
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    static final AuditEvent.Person ALICE = new AuditEvent.Person("alice-nameid", "alice@example.com", "okta");
    static final AuditEvent.Client CLIENT = new AuditEvent.Client("192.0.2.1", "app", "java", "2.26", "NSERVER", 7, "Client");

    static String log(AuditEvent... events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (AuditLog log = new AuditLog(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            for (AuditEvent e : events) {
                log.record(e);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Holdings read(String text, Holdings.Window w) throws Exception {
        return Holdings.read(new BufferedReader(new StringReader(text)), w);
    }

    static AuditEvent connect(Instant at, String session) {
        return AuditEvent.connected(at, session, ALICE, List.of("developers"), "DEV", CLIENT, at.plusSeconds(3600));
    }

    @Test
    void signOutsAreThePersonsOwnEndsAndRevocationsTheCompanysAndAnotherReplicasEchoCountsForNothing() throws Exception {
        String text = log(
                AuditEvent.signedIn(T0, "s1", ALICE, List.of("developers"), "DEV", T0.plusSeconds(3600)),
                connect(T0.plusSeconds(60), "s1"),
                connect(T0.plusSeconds(120), "s1"),
                AuditEvent.signedOut(T0.plusSeconds(180), "web", "s1", ALICE),
                AuditEvent.kicked(T0.plusSeconds(180), "s1", ALICE, Ending.Cause.SIGN_OUT, "", 2, Duration.ofMillis(9)),
                AuditEvent.kicked(T0.plusSeconds(181), "s1", ALICE, Ending.Cause.ELSEWHERE, "", 0, Duration.ZERO),
                AuditEvent.signedIn(T0.plusSeconds(600), "s2", ALICE, List.of("developers"), "DEV", T0.plusSeconds(4200)),
                connect(T0.plusSeconds(660), "s2"),
                AuditEvent.kicked(T0.plusSeconds(700), "s2", ALICE, Ending.Cause.RELOAD, "", 1, Duration.ofMillis(5)),
                connect(T0.plusSeconds(701), "s2"),
                AuditEvent.kicked(T0.plusSeconds(900), "s2", ALICE, Ending.Cause.IDP_LOGOUT, "", 1, Duration.ofMillis(5)),
                AuditEvent.connectRefused(T0.plusSeconds(901), ReportError.NOT_JSON, "a refused connect of any code",
                        "s2", ALICE, CLIENT));
        List<Holdings.Holding> held = read(text, Holdings.Window.ALL).holdings();
        assertEquals(1, held.size(), held.toString());
        Holdings.Holding h = held.get(0);
        assertEquals(new Holdings.Holding("okta", "alice-nameid", "alice@example.com", "developers", "DEV",
                T0.plusSeconds(60), T0.plusSeconds(701), 4, 2, 1, 2), h, "a refused connect is no connect");
    }

    @Test
    void onlyLinesInTheWindowCountAndSinceIsInclusiveUntilExclusive() throws Exception {
        String text = log(connect(T0, "s1"), connect(T0.plusSeconds(10), "s1"), connect(T0.plusSeconds(20), "s1"));
        Holdings.Holding h = read(text, new Holdings.Window(Optional.of(T0.plusSeconds(10)), Optional.of(T0.plusSeconds(20))))
                .holdings().get(0);
        assertEquals(1, h.connects());
        assertEquals(T0.plusSeconds(10), h.firstConnect());
        assertTrue(read(text, new Holdings.Window(Optional.empty(), Optional.of(T0))).holdings().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new Holdings.Window(Optional.of(T0), Optional.of(T0)));
    }

    @Test
    void aPersonWhoSignedInWithAGrantButNeverConnectedStillHeldIt() throws Exception {
        Holdings.Holding h = read(log(AuditEvent.signedIn(T0, "s1", ALICE, List.of("auditors"), "OPS", T0.plusSeconds(900))),
                Holdings.Window.ALL).holdings().get(0);
        assertEquals("auditors", h.role());
        assertEquals("OPS", h.account());
        assertEquals(0, h.connects());
        assertNull(h.firstConnect());
        assertEquals(1, h.sessions());
    }

    @Test
    void everyUnreadableLineIsNamedWithWhyAndTheRestStillCounts() throws Exception {
        String good = log(connect(T0, "s1"));
        StringBuilder text = new StringBuilder(good).append("{\"time\":\"2026-12-0\n")
                .append("{\"hello\":\"world\"}\n").append("{\"time\":\"yesterday\",\"action\":\"connect\"}\n").append("\n");
        for (int i = 0; i < 150; i++) {
            text.append("garbage ").append(i).append('\n');
        }
        text.append(log(connect(T0.plusSeconds(5), "s1")));
        Holdings h = read(text.toString(), Holdings.Window.ALL);
        assertEquals(2, h.holdings().get(0).connects(), "lines after the bad ones still count");
        List<Holdings.Skipped> skipped = h.skipped();
        assertEquals(new Holdings.Skipped(2, ReportError.NOT_JSON, skipped.get(0).reason()), skipped.get(0));
        assertEquals(3, skipped.get(1).line());
        assertEquals(ReportError.NOT_AN_AUDIT_LINE, skipped.get(1).code());
        assertEquals(ReportError.BAD_TIME, skipped.get(2).code());
        assertTrue(skipped.get(2).reason().contains("'yesterday'"), skipped.get(2).reason());
        assertEquals(6, skipped.get(3).line(), "the blank line 5 is no problem");
        assertEquals(Holdings.SHOWN_SKIPPED, skipped.size(), "the list is bounded");
        assertEquals(153, h.skippedCount(), "the count is not");
    }

    @Test
    void aCellASpreadsheetWouldRunAsAFormulaIsDefused() throws Exception {
        AuditEvent.Person evil = new AuditEvent.Person("=HYPERLINK(\"http://x\")", "", "okta");
        String text = log(AuditEvent.connected(T0, "s1", evil, List.of("developers"), "DEV", CLIENT, T0.plusSeconds(60)));
        var policy = PolicyLoader.withoutAccountCheck().load(Path.of("config/mapping.yaml"));
        String csv = ReviewFormat.CSV.render(AccessReview.of(policy, Optional.of(read(text, Holdings.Window.ALL)), "test", T0));
        assertTrue(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), csv);
        assertTrue(!csv.contains(",=HYPERLINK"), csv);
    }
}
