package saml2nats.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * N NATS clients that start connecting within one second, each speaking the handshake
 * itself over a plain socket (read INFO, send CONNECT with its token and PING, wait for
 * PONG or -ERR): a full jnats connection costs threads, ten thousand of them would
 * measure the driver. One selector thread drives every socket. A refused or timed-out
 * attempt retries after a jittered wait, as clients do, until the deadline.
 */
public final class ConnectStorm {

    /** What one storm did. Latencies are of successful attempts, from that attempt's start. */
    public record Result(int clients, int connected, int firstAttemptRefusals, int firstAttemptTimeouts, int refusals,
                         int timeouts, double seconds, long[] latenciesMicros) {
        public long percentile(double p) {
            if (latenciesMicros.length == 0) {
                return -1;
            }
            long[] sorted = latenciesMicros.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }

        public double connectsPerSecond() {
            return connected / seconds;
        }

        public String line(String label) {
            return String.format("%-24s N=%5d connected=%5d in %5.2fs  %7.0f conn/s  p50=%6.1fms p95=%6.1fms p99=%6.1fms "
                            + "max=%7.1fms  first-attempt refused=%d timed-out=%d  (all attempts: refused=%d timed-out=%d)  "
                            + "unconnected=%d",
                    label, clients, connected, seconds, connectsPerSecond(), percentile(50) / 1000.0,
                    percentile(95) / 1000.0, percentile(99) / 1000.0, percentile(100) / 1000.0, firstAttemptRefusals,
                    firstAttemptTimeouts, refusals, timeouts, clients - connected);
        }
    }

    private enum Phase { WAITING, CONNECTING, WAIT_INFO, WAIT_PONG, DONE }

    private static final class Client {
        final int index;
        Phase phase = Phase.WAITING;
        SocketChannel channel;
        long attemptStart;
        int attempts;
        final StringBuilder in = new StringBuilder();

        Client(int index) {
            this.index = index;
        }
    }

    private record Start(long at, Client client) { }

    private final InetSocketAddress server;
    private final IntFunction<String> tokens;
    private final long attemptTimeoutNanos;
    private final long deadlineNanos;

    /**
     * @param tokens         the token client {@code i} presents
     * @param attemptTimeout how long one attempt may wait for PONG (jnats' connect timeout is 2 s)
     * @param deadline       how long after the first start the storm gives up
     */
    public ConnectStorm(InetSocketAddress server, IntFunction<String> tokens, java.time.Duration attemptTimeout,
                        java.time.Duration deadline) {
        this.server = server;
        this.tokens = tokens;
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
        this.deadlineNanos = deadline.toNanos();
    }

    /** Runs N clients whose first attempts are spread evenly over {@code spreadNanos}; closes them all afterwards. */
    public Result run(int n, long spreadNanos) throws IOException {
        List<Client> clients = new ArrayList<>(n);
        PriorityQueue<Start> starts = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Client c = new Client(i);
            clients.add(c);
            starts.add(new Start(t0 + spreadNanos * i / n, c));
        }
        long[] latencies = new long[n];
        int connected = 0;
        int firstRefused = 0;
        int firstTimedOut = 0;
        int refused = 0;
        int timedOut = 0;
        long lastConnect = t0;
        long lastSweep = t0;
        try (Selector selector = Selector.open()) {
            while (connected < n && System.nanoTime() - t0 < deadlineNanos) {
                long now = System.nanoTime();
                while (!starts.isEmpty() && starts.peek().at <= now) {
                    begin(starts.poll().client, selector);
                }
                long wait = starts.isEmpty() ? 10 : Math.max(1, (starts.peek().at - now) / 1_000_000);
                selector.select(Math.min(wait, 10));
                for (SelectionKey key : selector.selectedKeys()) {
                    Client c = (Client) key.attachment();
                    int outcome = step(c, key);
                    if (outcome == 1) {
                        latencies[connected++] = (System.nanoTime() - c.attemptStart) / 1000;
                        lastConnect = System.nanoTime();
                    } else if (outcome < 0) {
                        refused++;
                        firstRefused += c.attempts == 1 ? 1 : 0;
                        retry(c, starts);
                    }
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                if (now - lastSweep < 20_000_000L) {
                    continue; // the timeout sweep is O(N): every 20 ms, not on every wakeup, or the driver eats a core
                }
                lastSweep = now;
                for (Client c : clients) {
                    if ((c.phase == Phase.CONNECTING || c.phase == Phase.WAIT_INFO || c.phase == Phase.WAIT_PONG)
                            && now - c.attemptStart > attemptTimeoutNanos) {
                        timedOut++;
                        firstTimedOut += c.attempts == 1 ? 1 : 0;
                        retry(c, starts);
                    }
                }
            }
            for (Client c : clients) {
                close(c);
            }
        }
        double seconds = Math.max(1e-9, (lastConnect - t0) / 1e9);
        return new Result(n, connected, firstRefused, firstTimedOut, refused, timedOut, seconds,
                Arrays.copyOf(latencies, connected));
    }

    private void begin(Client c, Selector selector) throws IOException {
        c.attempts++;
        c.attemptStart = System.nanoTime();
        c.in.setLength(0);
        c.channel = SocketChannel.open();
        c.channel.configureBlocking(false);
        c.channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        c.phase = Phase.CONNECTING;
        if (c.channel.connect(server)) {
            c.phase = Phase.WAIT_INFO;
            c.channel.register(selector, SelectionKey.OP_READ, c);
        } else {
            c.channel.register(selector, SelectionKey.OP_CONNECT, c);
        }
    }

    /** 1: connected; -1: refused (-ERR or closed); 0: not yet. */
    private int step(Client c, SelectionKey key) {
        try {
            if (c.phase == Phase.CONNECTING && key.isConnectable()) {
                c.channel.finishConnect();
                c.phase = Phase.WAIT_INFO;
                key.interestOps(SelectionKey.OP_READ);
                return 0;
            }
            if (!key.isReadable()) {
                return 0;
            }
            ByteBuffer buf = ByteBuffer.allocate(8192);
            int read = c.channel.read(buf);
            if (read < 0) {
                close(c);
                return -1;
            }
            c.in.append(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
            if (c.phase == Phase.WAIT_INFO && c.in.indexOf("\r\n") >= 0) {
                if (!c.in.toString().startsWith("INFO ")) {
                    close(c);
                    return -1;
                }
                c.in.setLength(0);
                String connect = "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"auth_token\":\""
                        + tokens.apply(c.index) + "\",\"lang\":\"java\",\"version\":\"storm\",\"protocol\":1,"
                        + "\"headers\":true,\"no_responders\":true}\r\nPING\r\n";
                c.channel.write(ByteBuffer.wrap(connect.getBytes(StandardCharsets.US_ASCII)));
                c.phase = Phase.WAIT_PONG;
                return 0;
            }
            if (c.phase == Phase.WAIT_PONG) {
                String text = c.in.toString();
                if (text.contains("-ERR")) {
                    close(c);
                    return -1;
                }
                if (text.contains("PONG\r\n")) {
                    c.phase = Phase.DONE;
                    key.interestOps(0); // stays connected; the server's PINGs are not answered in the storm's short life
                    return 1;
                }
            }
            return 0;
        } catch (IOException e) {
            close(c);
            return -1;
        }
    }

    /** The usual reconnect jitter: wait 100 ms to 1 s before the next attempt. */
    private static void retry(Client c, PriorityQueue<Start> starts) {
        close(c);
        c.phase = Phase.WAITING;
        starts.add(new Start(System.nanoTime() + ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L), c));
    }

    private static void close(Client c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing a socket that failed anyway
            }
            c.channel = null;
        }
    }
}
