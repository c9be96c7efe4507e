package saml2nats.cli;

import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * The saml2nats service's CLI endpoints over HTTP. Answers are JSON objects; an
 * {@code error} field (OAuth style) comes back as {@link Answer#error()} for the flows
 * that expect some (pending, slow down), anything unreadable as a {@link CliException}.
 */
public final class ServiceClient {
    private final URI base;
    private final HttpClient http;

    /** One JSON answer: the object, and its {@code error} code when it is one. */
    public record Answer(int status, JsonObject body) {
        public Optional<String> error() {
            return body.text("error");
        }

        /**
         * A text field with control characters other than newlines removed: names and groups
         * come from an IdP, and an escape sequence in one must not reach the terminal.
         */
        public String text(String field) {
            String v = body.text(field).orElse("");
            StringBuilder b = new StringBuilder(v.length());
            v.codePoints().filter(c -> c == '\n' || !Character.isISOControl(c)).forEach(b::appendCodePoint);
            return b.toString();
        }

        public long number(String field, long otherwise) {
            return body.number(field).orElse(otherwise);
        }

        /** The server's explanation of an error, or the code itself. */
        public String why() {
            String d = text("error_description");
            return d.isEmpty() ? error().orElse("HTTP " + status) : d;
        }
    }

    /** A host that is down or filtered shows in seconds, not after the system's minutes of retries. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The CLI endpoints answer at once (no IdP behind them); a service that does not is as good as gone. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    public ServiceClient(URI base) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI base() {
        return base;
    }

    public URI resolve(String path) {
        return base.resolve(path);
    }

    public Answer post(String path, Map<String, String> form) throws CliException {
        return send(formPost(path, form));
    }

    public Answer postWithToken(String path, String token, Map<String, String> form) throws CliException {
        return send(formPost(path, form).header("Authorization", "Bearer " + token));
    }

    private HttpRequest.Builder formPost(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    public Answer withToken(String method, String path, String token) throws CliException {
        return send(HttpRequest.newBuilder(resolve(path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private Answer send(HttpRequest.Builder request) throws CliException {
        HttpRequest r = request.timeout(ANSWER_TIMEOUT).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach the saml2nats service at " + base + ": " + unreachable(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/json")) {
            throw new CliException(r.uri() + " answered HTTP " + response.statusCode() + " with "
                    + (type.isEmpty() ? "no content type" : type.replaceAll(";.*", "")) + ", not JSON: is " + base
                    + " the address of a saml2nats service (version with CLI sign-in)?");
        }
        JsonObject body;
        try {
            body = JsonObject.parse(response.body());
        } catch (JsonException e) {
            throw e.problem() == JsonException.Problem.NOT_AN_OBJECT
                    ? new CliException(r.uri() + " answered something other than a JSON object")
                    : new CliException(r.uri() + " answered malformed JSON: " + e.detail(), e);
        }
        Answer answer = new Answer(response.statusCode(), body);
        // a refusal of ours names its error; any other failure (a 404 from a wrong path) is no answer at all
        if ((response.statusCode() < 200 || response.statusCode() > 299) && answer.error().isEmpty()) {
            throw new CliException(r.uri() + " answered HTTP " + response.statusCode() + ": is " + base
                    + " the address of a saml2nats service (version with CLI sign-in)?");
        }
        return answer;
    }

    /** Why a request got no answer, in words: the JDK's exceptions mostly carry no message. */
    static String unreachable(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s (is the host up, and the port open to you?)";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + ANSWER_TIMEOUT.toSeconds() + "s";
        }
        if (e instanceof SSLException) {
            return "TLS failed (" + e.getMessage() + ")";
        }
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            message = message == null ? t.getMessage() : message;
        }
        if (e instanceof ConnectException) {
            return message == null ? "connection refused" : message;
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
