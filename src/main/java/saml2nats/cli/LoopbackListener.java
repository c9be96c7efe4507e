package saml2nats.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's one-shot listener on 127.0.0.1 (never a public interface) at a port the
 * system picks. It takes the first {@code /callback} whose {@code state} matches and
 * ignores anything else, so another local page cannot feed it a code of its own.
 */
final class LoopbackListener implements AutoCloseable {
    private final HttpServer server;
    private final String state;
    private final CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();

    private LoopbackListener(HttpServer server, String state) {
        this.server = server;
        this.state = state;
    }

    static LoopbackListener start(String state) throws CliException {
        try {
            // 127.0.0.1 exactly: the service redirects there, whatever the JVM prefers (::1 would miss it)
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, 0, 0, 1}), 0), 0);
            LoopbackListener l = new LoopbackListener(server, state);
            server.createContext("/", l::handle);
            server.start();
            return l;
        } catch (IOException e) {
            throw new CliException("cannot listen on 127.0.0.1 for the browser's answer: " + e.getMessage()
                    + "; use saml2nats login --device instead", e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The callback's parameters ({@code code}, or {@code error}), once the browser has come back. */
    Map<String, String> await(Duration limit) throws CliException {
        try {
            return answer.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CliException("no answer from the browser within " + limit.toMinutes()
                    + " minutes; run saml2nats login again (or use --device)");
        } catch (ExecutionException e) {
            throw new CliException("the loopback listener failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the browser", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            boolean ours = exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().equals("/callback")
                    && MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                    q.getOrDefault("state", "").getBytes(StandardCharsets.UTF_8));
            if (!ours || answer.isDone()) {
                reply(exchange, 400, "Not expected here", "This address only takes the answer to the saml2nats login that is "
                        + "waiting in your terminal.");
                return;
            }
            reply(exchange, 200, q.containsKey("code") ? "Signed in" : "Not signed in", q.containsKey("code")
                    ? "saml2nats login has the answer. Go back to your terminal; you can close this tab."
                    : "The sign-in did not complete (" + q.getOrDefault("error", "no code").replaceAll("[^a-z_]", "") + "). Your terminal says more.");
            answer.complete(q);
        }
    }

    private static void reply(HttpExchange exchange, int status, String title, String text) throws IOException {
        byte[] body = ("<!doctype html><meta charset=utf-8><title>" + title + " · saml2nats</title>"
                + "<body style='font:16px system-ui,sans-serif;margin:48px auto;max-width:560px'><h1>" + title
                + "</h1><p>" + text + "</p>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
