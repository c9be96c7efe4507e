package saml2nats.bench;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import saml2nats.callout.KeyBoundCreds;
import saml2nats.json.JsonObject;
import saml2nats.session.AccessToken;
import saml2nats.session.Ending;
import saml2nats.session.Identity;
import saml2nats.testing.CalloutStack;
import saml2nats.testing.Mappings;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Revocation latency on a three-server operator-mode cluster, both ways of connecting, alternating
 * in one run: from a session's end in the service to the close of its connection on another server
 * (n3; the service is connected to n1). Key-bound creds: the account JWT with the revoked key, pushed
 * through n1. Token via callout: the service's CONNZ lookup across the cluster and KICK.
 * {@code REVOCATIONS} of each (default 100); p50, p99 and the worst. Part of {@code make bench}.
 */
public final class RevocationLatencyBench {
    private RevocationLatencyBench() { }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(System.getenv().getOrDefault("REVOCATIONS", "100"));
        Path dir = Files.createTempDirectory("revocation-bench");
        try (CalloutStack stack = CalloutStack.startOperator(dir, Mappings.MATRIX, false, false, "", true, 3)) {
            String base = "http://127.0.0.1:" + stack.service.httpPort();
            String n3 = stack.cluster.get(2).url();
            List<Long> creds = new ArrayList<>();
            List<Long> callout = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < n; i++) {
                Identity who = new Identity("dev", "bench" + i + "@example.com", "bench" + i + "@example.com", "bench" + i,
                        "Bench " + i, List.of("eng-developers"));
                creds.add(credsRevocation(stack, http, base, n3, who));
                callout.add(calloutRevocation(stack, n3, who));
            }
            System.out.println("revocation latency, three-server cluster, " + n + " of each (session end -> close on n3):");
            System.out.println("  key-bound creds (account JWT revocations): " + summary(creds));
            System.out.println("  token via callout (CONNZ + KICK):          " + summary(callout));
        }
    }

    private static long credsRevocation(CalloutStack stack, HttpClient http, String base, String server, Identity who)
            throws Exception {
        String token = stack.service.sessions().create(who, Duration.ofHours(1)).token();
        NKey key = NKey.createUser(new SecureRandom());
        String challenge = JsonObject.parse(post(http, base, token, "cli/creds/challenge", Map.of())).text("challenge").orElseThrow();
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(
                key.sign((KeyBoundCreds.PROOF_PREFIX + challenge).getBytes(StandardCharsets.UTF_8)));
        String jwt = JsonObject.parse(post(http, base, token, "cli/creds", Map.of("public_key", new String(key.getPublicKey()),
                "challenge", challenge, "signature", signature))).text("jwt").orElseThrow();
        return timeToClose(stack, token, new Options.Builder().authHandler(Nats.staticCredentials(jwt.toCharArray(),
                key.getSeed())), server);
    }

    private static long calloutRevocation(CalloutStack stack, String server, Identity who) throws Exception {
        String token = stack.service.sessions().create(who, Duration.ofHours(1)).token();
        Options.Builder o = new Options.Builder().token(token.toCharArray());
        stack.sentinelCreds.ifPresent(c -> o.authHandler(Nats.credentials(c.toString())));
        return timeToClose(stack, token, o, server);
    }

    private static long timeToClose(CalloutStack stack, String token, Options.Builder options, String server) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Connection c = Nats.connect(options.server(server).ignoreDiscoveredServers().maxReconnects(0)
                .connectionListener((conn, e) -> {
                    if (e == ConnectionListener.Events.CLOSED || e == ConnectionListener.Events.DISCONNECTED) {
                        closed.countDown();
                    }
                }).build());
        try {
            c.flush(Duration.ofSeconds(2));
            long start = System.nanoTime();
            stack.service.sessions().end(AccessToken.hash(token), new Ending(Ending.Cause.ADMIN, "bench"));
            if (!closed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a revoked connection stayed open 10 s");
            }
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            c.close();
        }
    }

    private static String post(HttpClient http, String base, String token, String path, Map<String, String> form)
            throws Exception {
        String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static String summary(List<Long> ms) {
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return "p50 " + at(sorted, 0.50) + " ms, p99 " + at(sorted, 0.99) + " ms, worst " + sorted.get(sorted.size() - 1) + " ms";
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
