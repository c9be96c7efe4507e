package saml2nats.callout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static saml2nats.testing.People.ALICE;

/**
 * A crowd that signed in together does not reconnect together: 1,000 clients connecting
 * through a real nats-server on sessions that all end at one instant get user JWTs whose
 * expiries (as the audit records what was signed) spread over the configured window, and
 * none outlives its session.
 */
class ExpiryJitterIT {
    static final int CLIENTS = 1000;
    static final Pattern CONNECT = Pattern.compile("\"action\":\"connect\".*\"outcome\":\"allow\".*\"expires\":\"([^\"]+)\"");

    @Test
    void aThousandClientsWhoseSessionsEndTogetherGetExpiriesSpreadOverTheWindow(@TempDir Path dir) throws Exception {
        try (CalloutStack stack = CalloutStack.start(dir, Mappings.MATRIX, false, """
                sessions:
                  jwt_expiry_jitter: 10%
                """)) {
            String token = stack.signIn(ALICE, Duration.ofMinutes(20));
            Instant end = stack.service.sessions().findByToken(token).orElseThrow().expires();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> connects = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    connects.add(pool.submit(() -> {
                        stack.connect(token).close();
                        return null;
                    }));
                }
                for (Future<?> f : connects) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Instant signedIn = end.minus(Duration.ofMinutes(20));
            long window = Duration.ofMinutes(20).toSeconds() / 10; // 120 s
            TreeMap<Long, Integer> perSecond = new TreeMap<>();
            for (String line : stack.audit().lines().toList()) {
                Matcher m = CONNECT.matcher(line);
                if (m.find()) {
                    long exp = Instant.parse(m.group(1)).getEpochSecond();
                    assertTrue(exp <= end.getEpochSecond(), "never after the session's end: " + line);
                    assertTrue(exp >= end.getEpochSecond() - window - 2 && exp > signedIn.getEpochSecond(),
                            "at most 10% early: " + line);
                    perSecond.merge(exp, 1, Integer::sum);
                }
            }
            assertEquals(CLIENTS, perSecond.values().stream().mapToInt(Integer::intValue).sum(), "one audited grant per client");
            assertTrue(perSecond.size() > window * 3 / 4, "spread over the window: " + perSecond.size()
                    + " distinct seconds of " + window + ": " + perSecond);
            int crowd = perSecond.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertTrue(crowd < 40, "no second takes a crowd (without jitter all " + CLIENTS + " share one): " + perSecond);
        }
    }
}
