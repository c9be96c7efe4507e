package saml2nats.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import saml2nats.session.Identity;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;
import saml2nats.testing.NatsServerProcess;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The storms of issue 6, in one process: a real nats-server with auth callout and the
 * real service (xkey on), beside it the same nats-server binary with plain token auth as
 * the baseline, and a third with auth callout whose responder refuses everything at once
 * (the floor: what nats-server itself can turn around). For each N: N clients start
 * connecting within one second against each; then, with them connected, their
 * nats-server restarts and the crowd reconnects. The report gives each, and the ratio of
 * connect rates. Run by {@code make bench} ({@code LOAD_N} to choose the sizes,
 * {@code LOAD_XKEY=off} for unsealed requests); results in target/bench/load.txt.
 */
public final class LoadBench {
    private LoadBench() { }

    public static void main(String[] args) throws Exception {
        int[] sizes = java.util.Arrays.stream(System.getenv().getOrDefault("LOAD_N", "1000,5000,10000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int most = java.util.Arrays.stream(sizes).max().orElse(1000);
        boolean xkey = !"off".equals(System.getenv("LOAD_XKEY"));
        Path dir = Files.createTempDirectory("saml2nats-load");
        Path out = Path.of("target", "bench", "load.txt");
        Files.createDirectories(out.getParent());
        String baselineToken = "s2n_baseline_token_for_the_plain_server_000000";
        try (NatsServerProcess plain = NatsServerProcess.start(Files.createDirectories(dir.resolve("baseline")),
                     "authorization { token: \"" + baselineToken + "\" }\nmax_connections: 65536\n");
             CalloutStack stack = CalloutStack.startWithServerConfig(Files.createDirectories(dir.resolve("callout")),
                     Mappings.MATRIX, xkey, PROFILE_PORT > 0 ? "prof_port: " + PROFILE_PORT : "");
             NatsServerProcess floor = NatsServerProcess.start(Files.createDirectories(dir.resolve("floor")), FLOOR_CONF);
             Connection refuser = refuseEverything(floor)) {
            List<String> tokens = new ArrayList<>(most);
            for (int i = 0; i < most; i++) {
                tokens.add(stack.signIn(new Identity("dev", "user" + i + "@example.com", "user" + i + "@example.com",
                        "user" + i, "User " + i, List.of("eng-developers")), Duration.ofHours(1)));
            }
            ConnectStorm.Retry retry = ConnectStorm.Retry.CLIENT_DEFAULTS;
            report(out, "# " + java.time.Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                    + "driver, service and nats-servers on the same cores; clients as jnats/nats.go by default: connect "
                    + "timeout " + retry.connectTimeout().toMillis() + " ms, reconnect wait " + retry.reconnectWait().toMillis()
                    + " ms + jitter up to " + retry.jitter().toMillis() + " ms; a storm gives up after " + DEADLINE.toSeconds()
                    + " s; xkey " + (xkey ? "on" : "off"));
            check(stack, tokens, out);
            InetSocketAddress callout = new InetSocketAddress("127.0.0.1", stack.server.port());
            InetSocketAddress baseline = new InetSocketAddress("127.0.0.1", plain.port());
            for (int n : sizes) {
                ConnectStorm.Result base;
                ConnectStorm.Result baseBack;
                try (ConnectStorm crowd = new ConnectStorm(baseline, i -> baselineToken, retry, DEADLINE)) {
                    base = crowd.connect(n, 1_000_000_000L);
                    baseBack = crowd.reconnect(plain::restart);
                }
                Thread.sleep(2000);
                Map<String, Long> before = decisions(stack);
                ConnectStorm.Result withCallout;
                ConnectStorm.Result calloutBack;
                Map<String, Long> duringConnect;
                String trace;
                try (ConnectStorm crowd = new ConnectStorm(callout, tokens::get, retry, DEADLINE)) {
                    Thread profiler = n == most ? profile() : null;
                    withCallout = crowd.connect(n, 1_000_000_000L);
                    if (profiler != null) {
                        profiler.join();
                    }
                    duringConnect = decisions(stack);
                    trace = trace(withCallout, stack.auditFile, retry.connectTimeout());
                    calloutBack = crowd.reconnect(stack.server::restart);
                }
                Map<String, Long> afterReconnect = decisions(stack);
                Thread.sleep(2000);
                ConnectStorm.Result refusedAll;
                try (ConnectStorm crowd = new ConnectStorm(new InetSocketAddress("127.0.0.1", floor.port()),
                        i -> "s2n_refused", retry, FLOOR_DEADLINE)) {
                    refusedAll = crowd.connect(n, 1_000_000_000L);
                }
                Thread.sleep(2000);
                String callLabel = xkey ? "auth callout (xkey)" : "auth callout";
                report(out, "");
                report(out, base.line("plain token (baseline)"));
                report(out, withCallout.line(callLabel));
                report(out, "  service during the storm: " + delta(before, duringConnect) + latency(stack));
                report(out, trace);
                report(out, String.format("N=%d: callout connect rate / baseline = %.2f (target >= 0.50)", n,
                        withCallout.connectsPerSecond() / base.connectsPerSecond()));
                report(out, baseBack.reconnectLine("restart, plain token", base.connected()));
                report(out, calloutBack.reconnectLine("restart, " + callLabel, withCallout.connected()));
                report(out, "  service during the restart: " + delta(duringConnect, afterReconnect));
                report(out, String.format("floor (responder refuses at once, no crypto) N=%5d: first-attempt answered "
                                + "%d, timed-out %d; in %d s: %d refusals (%.0f/s), %d timeouts", n,
                        refusedAll.firstAttemptRefusals(), refusedAll.firstAttemptTimeouts(), FLOOR_DEADLINE.toSeconds(),
                        refusedAll.refusals(), refusedAll.refusals() / (double) FLOOR_DEADLINE.toSeconds(),
                        refusedAll.timeouts()));
            }
        }
    }

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** {@code LOAD_PROFILE=1}: nats-server of the callout stack serves pprof here, and the biggest storm is profiled. */
    private static final int PROFILE_PORT = System.getenv("LOAD_PROFILE") == null ? 0 : freePort();

    private static int freePort() {
        try {
            return NatsServerProcess.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Three seconds into the storm: nats-server's goroutines (where each waits) and ten seconds of its
     * CPU profile, into target/bench/ (read with {@code go tool pprof -top target/bench/nats-cpu.pprof}).
     */
    private static Thread profile() {
        if (PROFILE_PORT == 0) {
            return null;
        }
        Thread t = new Thread(() -> {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + PROFILE_PORT + "/debug/pprof/";
            try {
                Thread.sleep(3000);
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "goroutine?debug=1")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofFile(Path.of("target", "bench", "nats-goroutines.txt")));
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "profile?seconds=10")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofFile(Path.of("target", "bench", "nats-cpu.pprof")));
            } catch (Exception e) {
                System.err.println("profiling nats-server failed: " + e);
            }
        }, "profile");
        t.start();
        return t;
    }
    private static final Duration FLOOR_DEADLINE = Duration.ofSeconds(10);

    /**
     * The floor: the same nats-server with auth callout, whose responder refuses every request
     * at once with an empty reply (no decoding, no crypto). No responder can answer faster, so
     * its timeouts are nats-server's own, whatever the service does.
     */
    private static final String FLOOR_CONF = """
            accounts { AUTH { users: [ { user: floor, password: floor } ] }, DEV {}, SYS {} }
            system_account: SYS
            max_connections: 65536
            authorization { auth_callout { issuer: %s, account: AUTH, auth_users: [ floor ] } }
            """.formatted(new String(floorIssuer()));

    private static char[] floorIssuer() {
        try {
            return io.nats.client.NKey.createAccount(new java.security.SecureRandom()).getPublicKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection refuseEverything(NatsServerProcess floor) throws Exception {
        Connection nc = Nats.connect(new Options.Builder().server(floor.url()).userInfo("floor", "floor").build());
        nc.createDispatcher(m -> nc.publish(m.getReplyTo(), new byte[0])).subscribe("$SYS.REQ.USER.AUTH");
        nc.flush(Duration.ofSeconds(2));
        return nc;
    }

    /** The driver's handshake against jnats on a small N: both must connect every client. */
    private static void check(CalloutStack stack, List<String> tokens, Path out) throws Exception {
        int n = 50;
        int viaJnats = 0;
        for (int i = 0; i < n; i++) {
            try (Connection nc = Nats.connect(new Options.Builder().server(stack.server.url())
                    .token(tokens.get(i).toCharArray()).maxReconnects(0).build())) {
                viaJnats += nc.getStatus() == Connection.Status.CONNECTED ? 1 : 0;
            }
        }
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", stack.server.port());
        ConnectStorm.Result driver;
        try (ConnectStorm crowd = new ConnectStorm(server, tokens::get, ConnectStorm.Retry.CLIENT_DEFAULTS, DEADLINE)) {
            driver = crowd.connect(n, 1_000_000_000L);
        }
        ConnectStorm.Result wrongToken;
        try (ConnectStorm crowd = new ConnectStorm(server, i -> "s2n_not_a_session", ConnectStorm.Retry.CLIENT_DEFAULTS,
                Duration.ofSeconds(3))) {
            wrongToken = crowd.connect(5, 100_000_000L);
        }
        report(out, String.format("check: jnats connected %d/%d, the driver %d/%d; with an unknown token the driver "
                + "connected %d/5 (refusals seen: %d)", viaJnats, n, driver.connected(), n, wrongToken.connected(),
                wrongToken.refusals()));
        if (viaJnats != n || driver.connected() != n || wrongToken.connected() != 0 || wrongToken.refusals() == 0) {
            throw new IllegalStateException("the driver does not agree with jnats; its figures would mean nothing");
        }
    }

    /**
     * Where the time of the callout storm's attempts went: each attempt is found in the audit
     * log by the client id the server gave it (the request's client_info.id), so its answer's
     * time is known (the audit line is written as the reply leaves). Attempts the service
     * refused unread (shed) or never saw have no line.
     */
    private static String trace(ConnectStorm.Result storm, Path auditFile, Duration clientTimeout) throws java.io.IOException {
        if (storm.attempts().isEmpty()) {
            return "  trace: no attempts";
        }
        long from = storm.attempts().stream().mapToLong(ConnectStorm.Attempt::startMicros).min().orElse(0);
        long to = storm.attempts().stream().mapToLong(ConnectStorm.Attempt::endMicros).max().orElse(0);
        Map<Long, Long> answered = new java.util.HashMap<>(); // client id -> answer time, micros
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\"time\":\"([^\"]+)\".*\"client_id\":(\\d+)");
        try (var lines = Files.lines(auditFile)) {
            lines.forEach(l -> {
                java.util.regex.Matcher m = line.matcher(l);
                if (m.find() && !"0".equals(m.group(2))) {
                    java.time.Instant t = java.time.Instant.parse(m.group(1));
                    long micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
                    if (micros >= from && micros <= to + 5_000_000L) {
                        answered.put(Long.parseLong(m.group(2)), micros);
                    }
                }
            });
        }
        List<Long> connectedAnswer = new ArrayList<>();
        List<Long> lateAnswer = new ArrayList<>();
        int inTimeButLost = 0;
        int neverAnswered = 0;
        long limit = clientTimeout.toNanos() / 1000;
        for (ConnectStorm.Attempt a : storm.attempts()) {
            Long at = answered.get(a.clientId());
            if (a.outcome() == ConnectStorm.Outcome.CONNECTED && at != null) {
                connectedAnswer.add(at - a.startMicros());
            } else if (a.outcome() == ConnectStorm.Outcome.TIMED_OUT) {
                if (at == null) {
                    neverAnswered++;
                } else if (at - a.startMicros() > limit) {
                    lateAnswer.add(at - a.startMicros());
                } else {
                    inTimeButLost++;
                }
            }
        }
        return String.format("  trace (attempt -> the service's answer, by client id): connected attempts answered at "
                        + "p50=%s p99=%s after connect; of %d timed-out attempts, %d were answered after the client had "
                        + "given up (p50=%s), %d answered in time but never completed by the server, %d never answered "
                        + "(refused unread, or the request never reached the service)",
                ms(connectedAnswer, 50), ms(connectedAnswer, 99), storm.timeouts(), lateAnswer.size(), ms(lateAnswer, 50),
                inTimeButLost, neverAnswered);
    }

    private static String ms(List<Long> micros, int percentile) {
        long v = ConnectStorm.percentile(micros.stream().mapToLong(Long::longValue).toArray(), percentile);
        return v < 0 ? "-" : String.format("%.0fms", v / 1000.0);
    }

    /** The service's decisions so far, by outcome/reason. */
    private static Map<String, Long> decisions(CalloutStack stack) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        stack.service.metrics().find("saml2nats.callout.decisions").counters().forEach(c -> counts.put(
                c.getId().getTag("outcome") + "/" + c.getId().getTag("reason"), (long) c.count()));
        return counts;
    }

    private static String delta(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder b = new StringBuilder();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                b.append(k).append('=').append(d).append(' ');
            }
        });
        return b.toString();
    }

    /** The service's own latency percentiles (request reaching the responder to reply sent), over its life. */
    private static String latency(CalloutStack stack) {
        StringBuilder b = new StringBuilder();
        var timer = stack.service.metrics().find("saml2nats.callout.latency").timer();
        if (timer != null) {
            b.append("(service latency since start: ");
            for (var p : timer.takeSnapshot().percentileValues()) {
                b.append(String.format("p%.0f=%.1fms ", p.percentile() * 100, p.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
            }
            b.setLength(b.length() - 1);
            b.append(')');
        }
        return b.toString();
    }

    private static void report(Path out, String line) throws java.io.IOException {
        System.out.println(line);
        Files.writeString(out, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
