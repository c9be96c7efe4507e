package saml2nats;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.PrintsPage;
import org.openqa.selenium.print.PrintOptions;
import saml2nats.session.Ending;
import saml2nats.session.Identity;
import saml2nats.testing.Browser;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Eventually;
import saml2nats.testing.HttpBrowser;
import saml2nats.testing.NatsServerProcess;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saml2nats report} on the shipped config and mapping, over an audit log recorded by a real
 * service on a real nats-server: alice signs in, connects twice and signs out; bob connects and an
 * admin ends his session; carol signs in and never connects; dave's groups grant nothing. A torn
 * line in the middle of the log is named and skipped. The CSV is read back by a CSV parser, the
 * HTML rendered and printed by Chromium (target/e2e/report.png, report.pdf), and the admin page
 * hands out the same review.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportIT {
    CalloutStack stack;
    Path audit;
    String base;

    @BeforeAll
    void record(@TempDir Path dir) throws Exception {
        int port = NatsServerProcess.freePort();
        base = "http://localhost:" + port;
        stack = CalloutStack.start(dir, Files.readString(Path.of("config/mapping.yaml")), false, """
                dev_idp: true
                admin: { groups: [eng-operators], idps: [dev] }
                """, port);
        HttpBrowser alice = new HttpBrowser(base);
        String aliceToken = token(alice.signInAtDevIdp("alice").body());
        try (CalloutStack.Client one = stack.connect(aliceToken); CalloutStack.Client two = stack.connect(aliceToken)) {
            one.connection.flush(Duration.ofSeconds(2));
            two.connection.flush(Duration.ofSeconds(2));
        }
        String csrf = HttpBrowser.hidden(alice.get("/").body(), "csrf");
        assertEquals(303, alice.post("/logout", Map.of("csrf", csrf)).statusCode());

        HttpBrowser bob = new HttpBrowser(base);
        String bobToken = token(bob.signInAtDevIdp("bob").body());
        Identity bobId = stack.service.sessions().findByToken(bobToken).orElseThrow().identity();
        try (CalloutStack.Client c = stack.connect(bobToken)) {
            c.connection.flush(Duration.ofSeconds(2));
            stack.service.sessions().endWhere(s -> s.identity().samePersonAs(bobId),
                    new Ending(Ending.Cause.ADMIN, "olga@example.com"));
            c.awaitClosed(Duration.ofSeconds(5));
        }
        new HttpBrowser(base).signInAtDevIdp("carol");
        new HttpBrowser(base).signInAtDevIdp("dave");
        assertTrue(Eventually.holds(Duration.ofSeconds(5), () -> stack.audit().lines().filter(l ->
                l.contains("\"action\":\"kick\"")).count() >= 2), stack.audit());

        // the recorded log, with a torn write on line 3 (every line after it still counts)
        List<String> lines = new java.util.ArrayList<>(stack.audit().lines().toList());
        lines.add(2, "{\"time\":\"2026-12-03T10:00:00Z\",\"action\":\"conn");
        audit = dir.resolve("recorded-audit.jsonl");
        Files.write(audit, lines);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static String token(String page) {
        Matcher m = Pattern.compile("<pre id=token>(s2n_[A-Za-z0-9_-]{43})</pre>").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    record Run(int code, String out, String err) { }

    static Run report(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), Map.of()).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<CSVRecord> csv() throws Exception {
        Run r = report("report", "--config", "config/saml2nats.yaml", "--audit", audit.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(audit + ":3: skipped, NOT_JSON"), "the torn line is named: " + r.err());
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(r.out())).getRecords();
    }

    static List<CSVRecord> section(List<CSVRecord> rows, String section) {
        return rows.stream().filter(r -> r.get("section").equals(section)).toList();
    }

    @Test
    void theCsvHasEveryRoleGroupAndHolderWhereItBelongs() throws Exception {
        List<CSVRecord> rows = csv();
        List<CSVRecord> roles = section(rows, "role");
        assertEquals(List.of("developers", "operators", "auditors"), roles.stream().map(r -> r.get("role")).toList());
        CSVRecord dev = roles.get(0);
        assertEquals("eng-developers", dev.get("idp_groups"));
        assertEquals("DEV", dev.get("account"));
        assertEquals("dev.> user.{{idp}}.{{username}}.>", dev.get("publish_allow"));
        assertEquals("dev.> user.{{idp}}.{{username}}.> _INBOX.>", dev.get("subscribe_allow"));
        assertEquals("true", dev.get("allow_responses"));
        assertEquals("1h", dev.get("ttl"));
        CSVRecord auditors = roles.get(2);
        assertEquals("", auditors.get("publish_allow"), "auditors publish nothing");
        assertEquals("15m", auditors.get("ttl"));

        List<CSVRecord> groups = section(rows, "group");
        assertEquals(List.of("audit:auditors:OPS", "eng-developers:developers:DEV", "eng-operators:operators:OPS"),
                groups.stream().map(g -> g.get("group") + ":" + g.get("role") + ":" + g.get("account")).toList());

        List<CSVRecord> held = section(rows, "holding");
        assertEquals(List.of("alice@example.com:developers", "bob@example.com:operators", "carol@example.com:auditors"),
                held.stream().map(h -> h.get("person_email") + ":" + h.get("role")).sorted().toList(),
                "dave's groups grant nothing, so he holds nothing");
        CSVRecord alice = held.stream().filter(h -> h.get("person_email").startsWith("alice")).findFirst().orElseThrow();
        assertEquals("dev", alice.get("person_idp"));
        assertEquals("2", alice.get("connects"));
        assertEquals("1", alice.get("sessions"));
        assertEquals("1", alice.get("sign_outs"));
        assertEquals("0", alice.get("revocations"));
        assertTrue(alice.get("first_connect").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"), alice.get("first_connect"));
        CSVRecord bob = held.stream().filter(h -> h.get("person_email").startsWith("bob")).findFirst().orElseThrow();
        assertEquals("1", bob.get("connects"));
        assertEquals("0", bob.get("sign_outs"));
        assertEquals("1", bob.get("revocations"), "an admin ended his session");
        CSVRecord carol = held.stream().filter(h -> h.get("person_email").startsWith("carol")).findFirst().orElseThrow();
        assertEquals("0", carol.get("connects"));
        assertEquals("", carol.get("first_connect"), "never connected");

        List<CSVRecord> skipped = section(rows, "skipped");
        assertEquals(1, skipped.size());
        assertEquals("3", skipped.get(0).get("audit_line"));
    }

    @Test
    void aWindowThatEndsBeforeTheLogHoldsNobodyAndBadOptionsAreRefusedWithWhatToDo() throws Exception {
        Run before = report("report", "--config", "config/saml2nats.yaml", "--audit", audit.toString(), "--until",
                "2020-01-01", "--format", "md");
        assertEquals(0, before.code(), before.err());
        assertTrue(before.out().contains("## Who held which grant") && !before.out().contains("alice@example.com"), before.out());
        Run format = report("report", "--config", "config/saml2nats.yaml", "--format", "pdf");
        assertEquals(2, format.code());
        assertTrue(format.err().contains("--format takes html, csv or md, not 'pdf'"), format.err());
        Run window = report("report", "--config", "config/saml2nats.yaml", "--since", "2026-12-05", "--until", "2026-12-01",
                "--format", "csv");
        assertEquals(2, window.code());
        assertTrue(window.err().contains("is not before --until"), window.err());
        Run missing = report("report", "--config", "config/saml2nats.yaml", "--audit", "/nonexistent/audit.jsonl", "--format", "csv");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("cannot read the audit log /nonexistent/audit.jsonl (--audit)"), missing.err());
    }

    @Test
    void theHtmlRendersAndPrintsInChromium(@TempDir Path profile) throws Exception {
        Path html = Path.of("target", "e2e", "report.html");
        Files.createDirectories(html.getParent());
        Run r = report("report", "--config", "config/saml2nats.yaml", "--audit", audit.toString(), "--format", "html",
                "--out", html.toString());
        assertEquals(0, r.code(), r.err());
        try (Browser chromium = new Browser(profile)) {
            chromium.driver.get(html.toAbsolutePath().toUri().toString());
            assertEquals("NATS access review", chromium.driver.getTitle());
            String developers = chromium.driver.findElement(By.id("role-developers")).getText();
            assertTrue(developers.contains("eng-developers") && developers.contains("DEV") && developers.contains("1h"), developers);
            assertTrue(chromium.driver.findElement(By.tagName("body")).getText().contains("alice@example.com"));
            chromium.screenshot("report");
            PrintOptions print = new PrintOptions();
            print.setOrientation(PrintOptions.Orientation.LANDSCAPE);
            byte[] pdf = Base64.getDecoder().decode(((PrintsPage) chromium.driver).print(print).getContent());
            Files.write(Path.of("target", "e2e", "report.pdf"), pdf);
            assertTrue(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-") && pdf.length > 5_000,
                    "Chromium printed it: " + pdf.length + " bytes");
        }
    }

    @Test
    void theAdminPageHandsOutTheSameReviewAndNobodyElseGetsIt() throws Exception {
        HttpBrowser bob = new HttpBrowser(base);
        bob.signInAtDevIdp("bob");
        var csv = bob.get("/admin/report.csv");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").matches("attachment; filename=\"nats-access-review-\\d{4}-\\d\\d-\\d\\d\\.csv\""));
        List<CSVRecord> rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
        assertTrue(section(rows, "holding").stream().anyMatch(h -> h.get("person_email").equals("alice@example.com")
                && h.get("connects").equals("2")), csv.body());
        HttpBrowser alice = new HttpBrowser(base);
        alice.signInAtDevIdp("alice");
        assertEquals(403, alice.get("/admin/report.html").statusCode());
        assertEquals(303, new HttpBrowser(base).get("/admin/report.md").statusCode(), "a stranger is sent to sign in");
    }
}
