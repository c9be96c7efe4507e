package saml2nats.bench;

import saml2nats.session.Identity;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * Resident memory of the service with 0 and 100,000 live sessions: this JVM runs only
 * the service (and the nats-server it talks to runs as its own process), so its RSS is
 * the service's. Results appended to target/bench/memory.txt.
 */
public final class MemoryBench {
    private MemoryBench() { }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(System.getenv().getOrDefault("MEMORY_SESSIONS", "100000"));
        Path out = Path.of("target", "bench", "memory.txt");
        Files.createDirectories(out.getParent());
        try (CalloutStack stack = CalloutStack.start(Files.createTempDirectory("saml2nats-memory"), Mappings.MATRIX, true, "")) {
            String empty = measure("0 sessions");
            for (int i = 0; i < sessions; i++) {
                stack.signIn(new Identity("okta", "user" + i + "@example.com", "user" + i + "@example.com", "user" + i,
                        "User Number " + i, List.of("eng-developers", "staff")), Duration.ofHours(8));
            }
            String full = measure(sessions + " sessions");
            String line = "# " + java.time.Instant.now() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB\n" + empty + "\n" + full + "\n";
            System.out.print(line);
            Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Resident set (kernel's VmRSS) and live heap after a full collection. */
    private static String measure(String label) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .findFirst().orElse("VmRSS: ? kB").replaceAll("\\s+", " ");
        return String.format("%-18s %s, live heap %d MiB", label + ":", rss, heap / (1 << 20));
    }
}
