package saml2nats.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * A crowd of NATS clients, each speaking the handshake itself over a plain socket (read
 * INFO, send CONNECT with its token and PING, wait for PONG or -ERR): a full jnats
 * connection costs threads, ten thousand of them would measure the driver. One selector
 * thread drives every socket. Clients behave as jnats and nats.go do by default: an
 * attempt gives up after the connect timeout, the next one follows after the reconnect
 * wait plus jitter, and a client that loses its connection tries again at once, then on
 * that schedule. Connected clients stay connected (and answer the server's PINGs) until
 * {@link #close()}, so the same crowd can live through a server restart.
 */
public final class ConnectStorm implements AutoCloseable {

    /** How clients retry. {@link #CLIENT_DEFAULTS}: jnats's and nats.go's defaults (2 s, 2 s, 100 ms). */
    public record Retry(Duration connectTimeout, Duration reconnectWait, Duration jitter) {
        public static final Retry CLIENT_DEFAULTS = new Retry(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMillis(100));

        long nextDelayNanos() {
            return reconnectWait.toNanos() + ThreadLocalRandom.current().nextLong(Math.max(1, jitter.toNanos()));
        }
    }

    /**
     * What one storm did. Failed authorizations are refusals (-ERR, or closed after CONNECT) and
     * timeouts (no answer within the connect timeout); unreachable attempts found no server
     * listening (during a restart). Latencies are of successful attempts, from that attempt's start;
     * {@code seconds} runs from the storm's start to the last client connected.
     */
    public record Result(int clients, int connected, int firstAttemptRefusals, int firstAttemptTimeouts, int refusals,
                         int timeouts, int unreachable, double seconds, List<Attempt> attempts) {
        /** Connect latency of the successful attempts, at percentile {@code p}; -1 if none. */
        public long percentile(double p) {
            return ConnectStorm.percentile(attempts.stream().filter(a -> a.outcome() == Outcome.CONNECTED)
                    .mapToLong(a -> a.endMicros() - a.startMicros()).toArray(), p);
        }

        public double connectsPerSecond() {
            return connected / seconds;
        }

        public String line(String label) {
            return String.format("%-26s N=%5d connected=%5d in %5.2fs  %7.0f conn/s  p50=%6.1fms p95=%6.1fms p99=%6.1fms "
                            + "max=%7.1fms  first-attempt refused=%d timed-out=%d  (all attempts: refused=%d timed-out=%d)  "
                            + "unconnected=%d",
                    label, clients, connected, seconds, connectsPerSecond(), percentile(50) / 1000.0,
                    percentile(95) / 1000.0, percentile(99) / 1000.0, percentile(100) / 1000.0, firstAttemptRefusals,
                    firstAttemptTimeouts, refusals, timeouts, clients - connected);
        }

        /** For a reconnect storm: {@code seconds} is from the outage's start until the last client was back. */
        public String reconnectLine(String label, int before) {
            return String.format("%-26s %5d of %5d connected clients back in %5.2fs (%d still out)  failed authorizations: "
                            + "refused=%d timed-out=%d  attempts finding no server=%d  attempt p50=%6.1fms p99=%6.1fms",
                    label, connected, before, seconds, before - connected, refusals, timeouts, unreachable,
                    percentile(50) / 1000.0, percentile(99) / 1000.0);
        }
    }

    /** How an attempt ended. */
    public enum Outcome { CONNECTED, REFUSED, TIMED_OUT, UNREACHABLE }

    /**
     * One attempt that reached the server, for tracing it through the service's audit log:
     * {@code clientId} is the id the server gave the connection in its INFO (the request's
     * {@code client_info.id}); times are wall-clock microseconds, as the audit log's.
     */
    public record Attempt(long clientId, long startMicros, long endMicros, Outcome outcome) { }

    /** The value at percentile {@code p} (0-100) of {@code values}, -1 if there are none. */
    public static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    private enum Phase { IDLE, WAITING, CONNECTING, WAIT_INFO, WAIT_PONG, CONNECTED }

    private static final class Client {
        final int index;
        Phase phase = Phase.IDLE;
        SocketChannel channel;
        long attemptStart;
        long clientId;
        int attempts;
        final StringBuilder in = new StringBuilder();

        Client(int index) {
            this.index = index;
        }
    }

    private record Start(long at, Client client) { }

    /** What one step of a client's handshake came to. */
    private enum Step { NOTHING, CONNECTED, REFUSED, UNREACHABLE, LOST }

    private static final java.util.regex.Pattern CLIENT_ID = java.util.regex.Pattern.compile("\"client_id\":(\\d+)");

    private final InetSocketAddress server;
    private final IntFunction<String> tokens;
    private final Retry retry;
    private final long deadlineNanos;
    private final List<Client> clients = new ArrayList<>();
    private final PriorityQueue<Start> starts = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(16384);
    /** Clients in {@link Phase#CONNECTED}, kept as they change (counting N clients per loop would eat the driver's core). */
    private int connected;

    /**
     * @param tokens   the token client {@code i} presents
     * @param deadline how long one storm may last before it gives up
     */
    public ConnectStorm(InetSocketAddress server, IntFunction<String> tokens, Retry retry, Duration deadline)
            throws IOException {
        this.server = server;
        this.tokens = tokens;
        this.retry = retry;
        this.deadlineNanos = deadline.toNanos();
        this.selector = Selector.open();
    }

    /** Wall-clock microseconds of a System.nanoTime() reading (the audit log writes wall-clock time). */
    private final long wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private long wallMicros(long nanoTime) {
        return (nanoTime + wallOffsetNanos) / 1000;
    }

    /** Starts N clients whose first attempts are spread evenly over {@code spreadNanos}; returns when all are in or at the deadline. */
    public Result connect(int n, long spreadNanos) throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Client c = new Client(clients.size());
            clients.add(c);
            c.phase = Phase.WAITING;
            starts.add(new Start(t0 + spreadNanos * i / n, c));
        }
        return run(t0, n, null);
    }

    /**
     * Runs {@code outage} (say, a server restart) on another thread while the crowd reacts as
     * clients do; returns when every client connected before is back, or at the deadline.
     */
    public Result reconnect(ThrowingRunnable outage) throws IOException {
        starts.clear();
        for (Client c : clients) {
            if (c.phase != Phase.CONNECTED) { // never got in: not part of this storm
                close(c);
                c.phase = Phase.IDLE;
            }
        }
        int before = connected;
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                outage.run();
            } catch (Exception e) {
                throw new IllegalStateException("the outage failed", e);
            }
        }, "outage");
        t.start();
        Result r = run(t0, before, t);
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return r;
    }

    /** An outage that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private Result run(long t0, int goal, Thread outage) throws IOException {
        int connects = 0;
        List<Attempt> traced = new ArrayList<>();
        int firstRefused = 0;
        int firstTimedOut = 0;
        int refused = 0;
        int timedOut = 0;
        int unreachable = 0;
        long lastConnect = t0;
        long lastSweep = t0;
        while (System.nanoTime() - t0 < deadlineNanos
                && (connected < goal || outage != null && (outage.isAlive() || connects == 0))) {
            long now = System.nanoTime();
            while (!starts.isEmpty() && starts.peek().at <= now) {
                Client c = starts.poll().client;
                if (!begin(c)) {
                    unreachable++;
                    retryLater(c);
                }
            }
            long wait = starts.isEmpty() ? 10 : Math.max(1, (starts.peek().at - now) / 1_000_000);
            selector.select(Math.min(wait, 10));
            for (SelectionKey key : selector.selectedKeys()) {
                Client c = (Client) key.attachment();
                Step step = step(c, key);
                if (step == Step.CONNECTED || step == Step.REFUSED) {
                    traced.add(new Attempt(c.clientId, wallMicros(c.attemptStart), wallMicros(System.nanoTime()),
                            step == Step.CONNECTED ? Outcome.CONNECTED : Outcome.REFUSED));
                }
                switch (step) {
                    case CONNECTED -> {
                        connected++;
                        connects++;
                        lastConnect = System.nanoTime();
                    }
                    case REFUSED -> {
                        refused++;
                        firstRefused += c.attempts == 1 ? 1 : 0;
                        retryLater(c);
                    }
                    case UNREACHABLE -> {
                        unreachable++;
                        retryLater(c);
                    }
                    case LOST -> {
                        connected--;
                        // as jnats by default: the first reconnect attempt at once, later ones after wait + jitter
                        c.phase = Phase.WAITING;
                        starts.add(new Start(System.nanoTime(), c));
                    }
                    case NOTHING -> { }
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
                        && now - c.attemptStart > retry.connectTimeout().toNanos()) {
                    if (c.phase == Phase.CONNECTING) {
                        unreachable++;
                    } else {
                        traced.add(new Attempt(c.clientId, wallMicros(c.attemptStart), wallMicros(now), Outcome.TIMED_OUT));
                        timedOut++;
                        firstTimedOut += c.attempts == 1 ? 1 : 0;
                    }
                    retryLater(c);
                }
            }
        }
        double seconds = Math.max(1e-9, (lastConnect - t0) / 1e9);
        return new Result(goal, connected, firstRefused, firstTimedOut, refused, timedOut,
                unreachable, seconds, traced);
    }

    /** Opens the socket; false when the connect failed at once (nothing listening). */
    private boolean begin(Client c) throws IOException {
        c.attempts++;
        c.attemptStart = System.nanoTime();
        c.clientId = 0;
        c.in.setLength(0);
        c.channel = SocketChannel.open();
        c.channel.configureBlocking(false);
        c.channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        c.phase = Phase.CONNECTING;
        try {
            if (c.channel.connect(server)) {
                c.phase = Phase.WAIT_INFO;
                c.channel.register(selector, SelectionKey.OP_READ, c);
            } else {
                c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
            return true;
        } catch (IOException e) {
            close(c);
            return false;
        }
    }

    private Step step(Client c, SelectionKey key) {
        try {
            if (c.phase == Phase.CONNECTING && key.isConnectable()) {
                try {
                    c.channel.finishConnect();
                } catch (IOException e) {
                    close(c);
                    return Step.UNREACHABLE;
                }
                c.phase = Phase.WAIT_INFO;
                key.interestOps(SelectionKey.OP_READ);
                return Step.NOTHING;
            }
            if (!key.isReadable()) {
                return Step.NOTHING;
            }
            buffer.clear();
            int read = c.channel.read(buffer);
            if (read < 0) {
                boolean wasConnected = c.phase == Phase.CONNECTED;
                close(c);
                return wasConnected ? Step.LOST : Step.REFUSED;
            }
            c.in.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            if (c.phase == Phase.WAIT_INFO && c.in.indexOf("\r\n") >= 0) {
                if (!c.in.toString().startsWith("INFO ")) {
                    close(c);
                    return Step.REFUSED;
                }
                java.util.regex.Matcher id = CLIENT_ID.matcher(c.in);
                c.clientId = id.find() ? Long.parseLong(id.group(1)) : 0;
                c.in.setLength(0);
                String connect = "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"auth_token\":\""
                        + tokens.apply(c.index) + "\",\"lang\":\"java\",\"version\":\"storm\",\"protocol\":1,"
                        + "\"headers\":true,\"no_responders\":true}\r\nPING\r\n";
                c.channel.write(ByteBuffer.wrap(connect.getBytes(StandardCharsets.US_ASCII)));
                c.phase = Phase.WAIT_PONG;
                return Step.NOTHING;
            }
            if (c.phase == Phase.WAIT_PONG) {
                String text = c.in.toString();
                if (text.contains("-ERR")) {
                    close(c);
                    return Step.REFUSED;
                }
                if (text.contains("PONG\r\n")) {
                    c.phase = Phase.CONNECTED;
                    c.in.setLength(0);
                    return Step.CONNECTED;
                }
            }
            if (c.phase == Phase.CONNECTED && c.in.indexOf("PING\r\n") >= 0) {
                c.in.setLength(0);
                c.channel.write(ByteBuffer.wrap("PONG\r\n".getBytes(StandardCharsets.US_ASCII)));
            } else if (c.phase == Phase.CONNECTED && c.in.length() > 4096) {
                c.in.setLength(0); // INFO updates and the like: nothing a connected client of the storm needs
            }
            return Step.NOTHING;
        } catch (IOException e) {
            boolean wasConnected = c.phase == Phase.CONNECTED;
            close(c);
            return wasConnected ? Step.LOST : Step.REFUSED;
        }
    }

    private void retryLater(Client c) {
        close(c);
        c.phase = Phase.WAITING;
        starts.add(new Start(System.nanoTime() + retry.nextDelayNanos(), c));
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

    /** Disconnects every client. */
    @Override
    public void close() throws IOException {
        for (Client c : clients) {
            close(c);
            c.phase = Phase.IDLE;
        }
        connected = 0;
        starts.clear();
        selector.close();
    }
}
