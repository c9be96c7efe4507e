package saml2nats.cli;

import saml2nats.session.AccessToken;
import saml2nats.session.Verifier;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * {@code saml2nats login}: gets a token from the service, either through the browser on
 * this machine (loopback redirect) or by a code typed into a browser anywhere (device
 * flow), and writes it into a NATS CLI context.
 */
public final class Login {
    static final Duration LOOPBACK_WAIT = Duration.ofMinutes(5);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** Shows the person a URL: in a browser when it can; false when it could not. */
    @FunctionalInterface
    public interface Browser {
        boolean open(URI url);
    }

    private final ServiceClient service;
    private final NatsContext contexts;
    private final PrintStream out;
    private final SecureRandom random;
    private final Sleeper sleeper;

    /** How polling waits; tests pass one that does not. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public Login(ServiceClient service, NatsContext contexts, PrintStream out, SecureRandom random, Sleeper sleeper) {
        this.service = service;
        this.contexts = contexts;
        this.out = out;
        this.random = random;
        this.sleeper = sleeper;
    }

    /** Loopback: open the browser at the service, take the code on 127.0.0.1, trade it with the verifier. */
    public ServiceClient.Answer withBrowser(String context, Browser browser) throws CliException {
        return loopback(context, Optional.of(browser));
    }

    /** Loopback with the address printed only ({@code --no-browser}): the person opens it in a browser here. */
    public ServiceClient.Answer withoutBrowser(String context) throws CliException {
        return loopback(context, Optional.empty());
    }

    private ServiceClient.Answer loopback(String context, Optional<Browser> browser) throws CliException {
        NatsContext.checkName(context);
        String verifier = Verifier.mint(random);
        String state = secret(16);
        try (LoopbackListener listener = LoopbackListener.start(state)) {
            ServiceClient.Answer start = service.post("cli/login/start", Map.of("port", Integer.toString(listener.port()),
                    "state", state, "challenge", Verifier.challenge(verifier), "host", hostname()));
            if (start.error().isPresent()) {
                throw new CliException("the service refused to start a sign-in: " + start.why());
            }
            expect(start, "the sign-in start", "request", "confirm_code");
            // the address the person was given (--url), not one from the answer
            URI url = service.resolve("cli/login?request=" + URLEncoder.encode(start.text("request"), StandardCharsets.UTF_8));
            out.println("Signing in through your browser. Allow it there only if the page shows the code");
            out.println();
            out.println("    " + start.text("confirm_code"));
            out.println();
            if (browser.isEmpty()) {
                out.println("Open this address in a browser on this machine (its answer comes back to 127.0.0.1 here):");
                out.println("  " + url);
                out.println("(for a browser on another machine use saml2nats login --device)");
            } else {
                out.println("If the browser does not open, open this address:");
                out.println("  " + url);
                out.flush();
                if (!browser.get().open(url)) {
                    out.println("(no browser could be opened here: $" + SystemBrowser.VARIABLE + " names one; on a machine "
                            + "without one use saml2nats login --device)");
                }
            }
            out.flush();
            Map<String, String> callback = listener.await(LOOPBACK_WAIT);
            if (callback.containsKey("error")) {
                throw new CliException(explain(callback.get("error")));
            }
            ServiceClient.Answer token = service.post("cli/token", Map.of("code", callback.getOrDefault("code", ""),
                    "verifier", verifier));
            return finish(context, token);
        }
    }

    /** Device flow: show a code and where to enter it, poll until approved, refused or expired. */
    public ServiceClient.Answer withCode(String context) throws CliException {
        NatsContext.checkName(context);
        ServiceClient.Answer start = service.post("cli/device", Map.of("host", hostname()));
        if (start.error().isPresent()) {
            throw new CliException("the service refused to start a device sign-in: " + start.why());
        }
        expect(start, "the device sign-in start", "device_code", "user_code", "verification_uri");
        String deviceCode = start.text("device_code");
        Duration interval = Duration.ofSeconds(Math.max(1, start.number("interval", 5)));
        long deadline = System.nanoTime() + Duration.ofSeconds(start.number("expires_in", 600)).toNanos();
        out.println("To sign in, open " + start.text("verification_uri") + " in any browser and enter the code");
        out.println();
        out.println("    " + start.text("user_code"));
        out.println();
        out.println("(or open " + start.text("verification_uri_complete") + ")");
        out.println("Waiting for approval; the code expires in " + start.number("expires_in", 600) / 60 + " minutes.");
        out.flush();
        while (System.nanoTime() < deadline) {
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for approval", e);
            }
            ServiceClient.Answer poll = service.post("cli/device/token", Map.of("device_code", deviceCode));
            String error = poll.error().orElse("");
            switch (error) {
                case "" -> {
                    return finish(context, poll);
                }
                case "authorization_pending" -> { }
                case "slow_down" -> interval = interval.plusSeconds(5);
                default -> throw new CliException(poll.why());
            }
        }
        throw new CliException("the code expired before it was approved; run saml2nats login --device again");
    }

    private ServiceClient.Answer finish(String context, ServiceClient.Answer token) throws CliException {
        if (token.error().isPresent()) {
            throw new CliException("no token: " + token.why());
        }
        expect(token, "the token", "name", "nats_url");
        if (!AccessToken.looksLikeToken(token.text("token"))) {
            throw new CliException(service.base() + " answered the token without a saml2nats token (" + AccessToken.PREFIX
                    + "...): is it the address of a saml2nats service? Context '" + context + "' is unchanged.");
        }
        String natsUrl = token.text("nats_url");
        java.util.Optional<String> creds = token.body().text("sentinel_creds");
        contexts.write(context, new NatsContext.Entry(natsUrl, token.text("token"), service.base()),
                "saml2nats: " + token.text("email") + " via " + service.base(), creds);
        out.println("Signed in as " + token.text("name") + " (" + token.text("email") + "); the token works until "
                + Whoami.ends(token.text("session_expires"), java.time.Instant.now()) + ".");
        out.println("Wrote NATS context '" + context + "' (" + contexts.natsFile(context) + ", readable by you only).");
        // subjects this person's grant allows, from the service: a fixed '>' is refused for every role
        if (token.body().keys().contains("subscribe_example")) {
            out.println("Use it:   nats --context " + context + " sub '" + token.text("subscribe_example") + "'");
        }
        if (token.body().keys().contains("publish_example")) {
            out.println("          nats --context " + context + " pub '" + token.text("publish_example") + "' hello");
        }
        out.println("or make it the default:   nats context select " + context);
        String named = Signed.named(context);
        out.println("See your grant with saml2nats whoami" + named + "; sign out with saml2nats logout" + named + ".");
        return token;
    }

    /**
     * An answer without the fields a saml2nats service sends is not one: checked before
     * anything is shown or written, so a wrong address cannot put an empty token into
     * (and so break) a context that worked.
     */
    private void expect(ServiceClient.Answer answer, String what, String... fields) throws CliException {
        java.util.List<String> missing = java.util.Arrays.stream(fields).filter(f -> answer.text(f).isBlank()).toList();
        if (!missing.isEmpty()) {
            throw new CliException(service.base() + " answered " + what + " without " + String.join(", ", missing)
                    + ": is it the address of a saml2nats service?");
        }
    }

    static String explain(String error) {
        return switch (error) {
            case "access_denied" -> "the sign-in was cancelled in the browser";
            case "no_access" -> "you are signed in, but none of your groups is mapped to a NATS role, so no token is "
                    + "issued; ask an administrator to add one of your groups to the mapping file";
            default -> "the service refused the sign-in (" + error.replaceAll("[^a-z_]", "") + "); run saml2nats login again";
        };
    }

    private String secret(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
