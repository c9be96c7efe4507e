package saml2nats.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server process on a free loopback port, configured by the test.
 * The binary comes from {@code scripts/nats-server.sh} ($NATS_SERVER, PATH, or the
 * project's own download), so tests run on a machine that had none installed.
 */
public final class NatsServerProcess implements AutoCloseable {
    private static Path binary;

    private final Path dir;
    private final Path conf;
    private final int port;
    private final List<String> extraArgs;
    private Process process;

    private NatsServerProcess(Path dir, Path conf, int port, List<String> extraArgs) {
        this.dir = dir;
        this.conf = conf;
        this.port = port;
        this.extraArgs = extraArgs;
    }

    /** Starts nats-server with {@code configText} (which must not set a port) on a free port. */
    public static NatsServerProcess start(Path dir, String configText) throws IOException, InterruptedException {
        int port = freePort();
        Path conf = dir.resolve("nats-server.conf");
        Files.writeString(conf, "port: " + port + "\nhost: 127.0.0.1\n" + configText);
        NatsServerProcess p = new NatsServerProcess(dir, conf, port, List.of());
        p.launch(List.of());
        return p;
    }

    /** Starts nats-server with a config file as it is, overriding only the port (and env for its $VARIABLES). */
    public static NatsServerProcess startWithFile(Path dir, Path conf, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        int port = freePort();
        NatsServerProcess p = new NatsServerProcess(dir, conf, port, List.of("-p", String.valueOf(port), "-a", "127.0.0.1"));
        p.envForLaunch = env;
        p.launch(p.extraArgs);
        return p;
    }

    private java.util.Map<String, String> envForLaunch = java.util.Map.of();

    private void launch(List<String> extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-c", conf.toString()));
        cmd.addAll(extra);
        Path log = dir.resolve("nats-server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(envForLaunch);
        process = pb.start();
        awaitPort(Duration.ofSeconds(15));
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        Path log = dir.resolve("nats-server.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Stops and starts the same server on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch(extraArgs);
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private void awaitPort(Duration limit) throws IOException, InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + ":\n" + log());
            }
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nats-server did not listen on " + port + " within " + limit + ":\n" + log());
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** The nats-server binary, found or fetched once per test JVM. */
    public static synchronized Path binary() throws IOException, InterruptedException {
        if (binary == null) {
            Path script = Path.of("scripts/nats-server.sh").toAbsolutePath();
            // -Dnats.server.suite=sid runs a suite against the newest nats-server (pom.xml's second run)
            Process p = new ProcessBuilder("bash", script.toString(), System.getProperty("nats.server.suite", "trixie"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IOException("scripts/nats-server.sh found no nats-server >= 2.10 (exit " + p.exitValue() + ")");
            }
            binary = Path.of(out);
        }
        return binary;
    }

    /** The binary's version, as {major, minor, patch}: tests of version-dependent server features ask. */
    public static int[] version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary().toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IOException("nats-server --version said: " + out);
        }
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    }

    /** Whether this server is at least major.minor.patch. */
    public static boolean atLeast(int major, int minor, int patch) throws IOException, InterruptedException {
        int[] v = version();
        return java.util.Arrays.compare(v, new int[]{major, minor, patch}) >= 0;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
