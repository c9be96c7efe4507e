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

/**
 * The connect storm of issue 6, in one process: a real nats-server with auth callout and
 * the real service (xkey on), and beside it the same nats-server binary with plain token
 * auth as the baseline. For each N, N clients start connecting within one second against
 * each; the report gives both and the ratio of connect rates. Run by {@code make bench}
 * ({@code LOAD_N} to choose the sizes, {@code LOAD_XKEY=off} for unsealed requests); results in target/bench/load.txt.
 */
public final class LoadBench {
    private LoadBench() { }

    public static void main(String[] args) throws Exception {
        int[] sizes = java.util.Arrays.stream(System.getenv().getOrDefault("LOAD_N", "1000,5000,10000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int most = java.util.Arrays.stream(sizes).max().orElse(1000);
        Path dir = Files.createTempDirectory("saml2nats-load");
        Path out = Path.of("target", "bench", "load.txt");
        Files.createDirectories(out.getParent());
        String baselineToken = "s2n_baseline_token_for_the_plain_server_000000";
        Path baselineDir = Files.createDirectories(dir.resolve("baseline"));
        try (NatsServerProcess plain = NatsServerProcess.start(baselineDir,
                     "authorization { token: \"" + baselineToken + "\" }\nmax_connections: 65536\n");
             CalloutStack stack = CalloutStack.start(Files.createDirectories(dir.resolve("callout")), Mappings.MATRIX,
                     !"off".equals(System.getenv("LOAD_XKEY")), "")) {
            List<String> tokens = new ArrayList<>(most);
            for (int i = 0; i < most; i++) {
                tokens.add(stack.signIn(new Identity("dev", "user" + i + "@example.com", "user" + i + "@example.com",
                        "user" + i, "User " + i, List.of("eng-developers")), Duration.ofHours(1)));
            }
            report(out, "# " + java.time.Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, nats-server "
                    + "on the same machine; attempt timeout 2 s, retry jitter 100 ms - 1 s, give up after 30 s");
            check(stack, tokens, out);
            InetSocketAddress callout = new InetSocketAddress("127.0.0.1", stack.server.port());
            InetSocketAddress baseline = new InetSocketAddress("127.0.0.1", plain.port());
            for (int n : sizes) {
                ConnectStorm.Result base = new ConnectStorm(baseline, i -> baselineToken, Duration.ofSeconds(2),
                        Duration.ofSeconds(30)).run(n, 1_000_000_000L);
                Thread.sleep(2000);
                ConnectStorm.Result withCallout = new ConnectStorm(callout, tokens::get, Duration.ofSeconds(2),
                        Duration.ofSeconds(30)).run(n, 1_000_000_000L);
                Thread.sleep(2000);
                report(out, base.line("plain token (baseline)"));
                report(out, withCallout.line("off".equals(System.getenv("LOAD_XKEY")) ? "auth callout" : "auth callout (xkey)"));
                report(out, "  service: " + decisions(stack));
                report(out, String.format("N=%d: callout connect rate / baseline = %.2f (target >= 0.50)%n", n,
                        withCallout.connectsPerSecond() / base.connectsPerSecond()));
            }
        }
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
        ConnectStorm.Result driver = new ConnectStorm(new InetSocketAddress("127.0.0.1", stack.server.port()), tokens::get,
                Duration.ofSeconds(2), Duration.ofSeconds(30)).run(n, 1_000_000_000L);
        ConnectStorm.Result wrongToken = new ConnectStorm(new InetSocketAddress("127.0.0.1", stack.server.port()),
                i -> "s2n_not_a_session", Duration.ofSeconds(2), Duration.ofSeconds(3)).run(5, 100_000_000L);
        report(out, String.format("check: jnats connected %d/%d, the driver %d/%d; with an unknown token the driver "
                + "connected %d/5 (refusals seen: %d)", viaJnats, n, driver.connected(), n, wrongToken.connected(),
                wrongToken.refusals()));
        if (viaJnats != n || driver.connected() != n || wrongToken.connected() != 0 || wrongToken.refusals() == 0) {
            throw new IllegalStateException("the driver does not agree with jnats; its figures would mean nothing");
        }
    }

    /** What the service itself saw: decisions by reason so far, and its own latency percentiles. */
    private static String decisions(CalloutStack stack) {
        StringBuilder b = new StringBuilder();
        stack.service.metrics().find("saml2nats.callout.decisions").counters().forEach(c -> b.append(c.getId()
                .getTag("outcome")).append('/').append(c.getId().getTag("reason")).append('=').append((long) c.count()).append(' '));
        var timer = stack.service.metrics().find("saml2nats.callout.latency").timer();
        if (timer != null) {
            for (var p : timer.takeSnapshot().percentileValues()) {
                b.append(String.format("p%.0f=%.1fms ", p.percentile() * 100, p.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
            }
        }
        return b.toString();
    }

    private static void report(Path out, String line) throws java.io.IOException {
        System.out.println(line);
        Files.writeString(out, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
