package saml2nats.callout;

import io.nats.client.NKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import saml2nats.policy.Decision;
import saml2nats.policy.Grant;
import saml2nats.policy.Policy;
import saml2nats.policy.PolicyLoader;
import saml2nats.session.AccessToken;
import saml2nats.session.CaffeineSessionStore;
import saml2nats.session.SessionStore;
import saml2nats.testing.AuthRequests;
import saml2nats.testing.Mappings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import static saml2nats.testing.People.ALICE_AT_OKTA;

/**
 * The cost of each step of one authorization, and of the whole handler with xkey off
 * and on, against the three Ed25519 operations no handler can avoid (verify the
 * request, sign the user JWT, sign the response), measured in the same run.
 * {@code make bench} runs it; docs/BENCHMARKS.md has the figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthorizeBench {

    NKey server;
    NKey issuerKey;
    SigningKey signingKey;
    ServerKeys serverKeys;
    String serverPublic;
    XKey serverXkey;
    XKey serviceXkey;
    String requestJwt;
    byte[] requestBytes;
    byte[] sealedRequest;
    byte[] signingInput;
    byte[] requestSignature;
    String token;
    String userNkey;
    SessionStore sessions;
    Policy policy;
    Grant grant;
    RequestDecoder decoder;
    JwtIssuer issuer;
    String userJwt;
    byte[] responseBytes;
    Authorizer plain;
    Authorizer sealed;
    AuthRequests requests;

    /**
     * A request of its own per call: nats-server makes a fresh user key for every connect and the
     * responder refuses a key it answered already (a replay), so one request repeated would measure
     * a refusal. Making it is outside the measured time.
     */
    @State(Scope.Thread)
    public static class FreshRequest {
        String jwt;
        byte[] plain;
        byte[] sealed;

        @Setup(Level.Invocation)
        public void make(AuthorizeBench b) throws Exception {
            jwt = b.requests.request(b.server, "authorization_request", "nats-authorization-request",
                    AuthRequests.newUserNkey(), b.token, System.currentTimeMillis() / 1000, Duration.ofHours(2));
            plain = jwt.getBytes(StandardCharsets.UTF_8);
            sealed = b.serverXkey.seal(plain, b.serviceXkey.publicKey());
        }
    }

    @Setup
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        requests = new AuthRequests();
        server = requests.server;
        issuerKey = NKey.createAccount(random);
        signingKey = SigningKey.of(issuerKey);
        serverKeys = new ServerKeys();
        serverPublic = new String(server.getPublicKey());
        serverXkey = XKey.generate(random);
        serviceXkey = XKey.generate(random);
        Clock clock = Clock.systemUTC();
        sessions = new CaffeineSessionStore(100_000, clock, new AccessToken(random));
        token = sessions.create(ALICE_AT_OKTA, Duration.ofHours(8)).token();
        Path mapping = Files.createTempFile("bench-mapping", ".yaml");
        Files.writeString(mapping, Mappings.MATRIX);
        policy = PolicyLoader.withoutAccountCheck().load(mapping);
        Files.delete(mapping);
        grant = ((Decision.Allow) policy.decide(ALICE_AT_OKTA)).grant();
        userNkey = AuthRequests.newUserNkey();
        requestJwt = requests.request(server, "authorization_request", "nats-authorization-request", userNkey, token,
                System.currentTimeMillis() / 1000, Duration.ofHours(2));
        requestBytes = requestJwt.getBytes(StandardCharsets.UTF_8);
        sealedRequest = serverXkey.seal(requestBytes, serviceXkey.publicKey());
        int dot = requestJwt.lastIndexOf('.');
        signingInput = requestJwt.substring(0, dot).getBytes(StandardCharsets.UTF_8);
        requestSignature = java.util.Base64.getUrlDecoder().decode(requestJwt.substring(dot + 1));
        decoder = new RequestDecoder(Optional.of(serviceXkey), ServerTrust.ANY_SIGNING_SERVER, clock);
        issuer = new JwtIssuer(issuerKey);
        long iat = System.currentTimeMillis() / 1000;
        userJwt = issuer.userJwt(userNkey, "alice", grant, JwtIssuer.tags("okta", grant.roles()), iat, iat + 3600);
        responseBytes = issuer.response(requests.serverId, userNkey, userJwt, null, iat).getBytes(StandardCharsets.UTF_8);
        plain = new Authorizer(new CalloutKeys(issuerKey, Optional.empty()), ServerTrust.ANY_SIGNING_SERVER, sessions, () -> policy, clock);
        sealed = new Authorizer(new CalloutKeys(issuerKey, Optional.of(serviceXkey)), ServerTrust.ANY_SIGNING_SERVER,
                sessions, () -> policy, clock);
        if (!(sealed.authorize(sealedRequest, serverXkey.publicKey()).verdict() instanceof Verdict.Allowed)) {
            throw new IllegalStateException("the benchmark's request is not allowed: it would measure a refusal");
        }
    }

    // ---- the unavoidable: one verify, two signs, each the fastest way (keys decoded once) ----

    @Benchmark
    public boolean ed25519Verify() {
        return serverKeys.verifies(serverPublic, signingInput, requestSignature);
    }

    @Benchmark
    public byte[] ed25519Sign() {
        return signingKey.sign(signingInput);
    }

    @Benchmark
    public Object baselineVerifyAndTwoSigns() {
        boolean ok = serverKeys.verifies(serverPublic, signingInput, requestSignature);
        byte[] one = signingKey.sign(signingInput);
        byte[] two = signingKey.sign(one);
        return ok ? two : one;
    }

    // ---- the same through jnats's NKey, which decodes the key again on every call (what the handler used before) ----

    @Benchmark
    public boolean jnatsNKeyVerify() throws Exception {
        return NKey.fromPublicKey(serverPublic.toCharArray()).verify(signingInput, requestSignature);
    }

    @Benchmark
    public byte[] jnatsNKeySign() throws Exception {
        return issuerKey.sign(signingInput);
    }

    // ---- each step ----

    @Benchmark
    public byte[] step1OpenXkey() {
        return serviceXkey.open(sealedRequest, serverXkey.publicKey());
    }

    @Benchmark
    public Object step2DecodeAndVerifyRequest(FreshRequest r) throws Exception {
        return decoder.decode(r.jwt);
    }

    @Benchmark
    public Object step3FindSession() {
        return sessions.findByToken(token);
    }

    @Benchmark
    public Object step4EvaluatePolicy() {
        return policy.decide(ALICE_AT_OKTA);
    }

    @Benchmark
    public String step5SignUserJwt() {
        long iat = System.currentTimeMillis() / 1000;
        return issuer.userJwt(userNkey, "alice", grant, JwtIssuer.tags("okta", grant.roles()), iat, iat + 3600);
    }

    @Benchmark
    public String step6SignResponse() {
        return issuer.response("NSERVER", userNkey, userJwt, null, System.currentTimeMillis() / 1000);
    }

    @Benchmark
    public byte[] step7Seal() {
        return serviceXkey.seal(responseBytes, serverXkey.publicKey());
    }

    // ---- the whole handler ----

    @Benchmark
    public Object handlerXkeyOff(FreshRequest r) {
        return plain.authorize(r.plain, null);
    }

    @Benchmark
    public Object handlerXkeyOn(FreshRequest r) {
        return sealed.authorize(r.sealed, serverXkey.publicKey());
    }
}
