package saml2nats.saml;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One SAML Response through every check of the ACS (parse, signature, wrapping,
 * conditions, attributes), signed RSA-SHA256 by the test IdP. The ledger accepts all,
 * so each iteration validates the same Response afresh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidateBench {
    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    ResponseValidator validator;
    IdpSettings idp;
    SpSettings sp;
    String xml;
    RequestLedger everything;
    final BrowserBinding browser = BrowserBinding.ofSecret(BrowserBinding.newSecret(new java.security.SecureRandom()));

    @Setup
    public void setup() {
        OpenSaml saml = new OpenSaml();
        SigningIdp.Keys keys = SigningIdp.Keys.generate("bench-idp");
        sp = new SpSettings("https://nats-login.test/saml/test/metadata", "https://nats-login.test/saml/test/acs", Optional.empty());
        idp = new IdpSettings("test", "https://idp.test/metadata", List.of(keys.certificate()), AttributeNames.DEFAULTS, false,
                false, IdpSettings.DEFAULT_SKEW);
        xml = new SigningIdp(saml, keys).respond(SigningIdp.Spec.forPerson("https://idp.test/metadata", sp, "_req1",
                "alice@acme.com", Map.of("email", List.of("alice@acme.com"), "groups", List.of("eng-developers")), NOW));
        validator = new ResponseValidator(saml, Clock.fixed(NOW, ZoneOffset.UTC));
        everything = new RequestLedger() {
            @Override
            public void sent(String i, String r, Instant until, BrowserBinding b) {
            }

            @Override
            public boolean startedBy(String i, String r, BrowserBinding b) {
                return true;
            }

            @Override
            public boolean isPending(String i, String r) {
                return true;
            }

            @Override
            public boolean wasSeen(String i, String a) {
                return false;
            }

            @Override
            public boolean commit(String i, String r, String a, Instant k) {
                return true;
            }

            @Override
            public boolean firstLogout(String i, String l, Instant k) {
                return true;
            }
        };
        if (!validator.validate(xml, idp, sp, everything, browser, true).accepted()) {
            throw new IllegalStateException("the benchmark's Response is refused: it would measure a refusal");
        }
    }

    @Benchmark
    public Validation validateResponse() {
        return validator.validate(xml, idp, sp, everything, browser, true);
    }
}
