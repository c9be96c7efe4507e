package saml2nats.saml;

import saml2nats.config.Certificates;
import saml2nats.config.Config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The SAML side of the service, built from the {@link Config} in one place: OpenSAML,
 * this service as SP, the IdPs it trusts (with the dev IdP when configured) and the
 * Response validator. The ACS and {@code saml inspect} both take theirs from here, so
 * the Response a person posts and the one an admin inspects meet the same checks.
 */
public final class SamlService implements AutoCloseable {
    private final OpenSaml saml;
    private final ServiceProvider sp;
    private final IdpRegistry idps;
    private final ResponseValidator validator;
    private final Optional<DevIdp> dev;
    private final IdpHealth health;

    private SamlService(OpenSaml saml, ServiceProvider sp, IdpRegistry idps, Clock clock, boolean devIdp, Config config,
                        IdpHealth health) {
        this.health = health;
        this.saml = saml;
        this.sp = sp;
        this.idps = idps;
        this.validator = new ResponseValidator(saml, clock);
        this.dev = devIdp ? Optional.of(new DevIdp(saml, sp, config.publicUrl(), clock)) : Optional.empty();
        dev.ifPresent(d -> idps.add(d.provider()));
    }

    /** What the running service signs people in with: SP keys from {@code sp}, the dev IdP when {@code dev_idp} is on. */
    public static SamlService start(Config config, Clock clock, IdpRegistry.Listener refreshes) {
        OpenSaml saml = new OpenSaml();
        ServiceProvider sp = new ServiceProvider(saml, config.publicUrl(),
                keyPair(config.sp().signingKey(), config.sp().signingCertificate(), "sp.signing"),
                keyPair(config.sp().decryptionKey(), config.sp().decryptionCertificate(), "sp.decryption"),
                ServiceProvider.namesOf(config.idps()));
        IdpHealth health = new IdpHealth(clock);
        IdpRegistry idps = new IdpRegistry(saml, config.idps(), (idp, ok, problem) -> {
            health.refreshed(idp, ok, problem);
            refreshes.refreshed(idp, ok, problem);
        });
        return new SamlService(saml, sp, idps, clock, config.devIdp(), config, health);
    }

    /**
     * For {@code saml inspect}: the configured IdPs (no dev IdP) and the decryption key only;
     * inspecting signs nothing, so the signing key is not read.
     */
    public static SamlService forInspection(Config config) {
        OpenSaml saml = new OpenSaml();
        ServiceProvider sp = new ServiceProvider(saml, config.publicUrl(), Optional.empty(), decryption(config),
                ServiceProvider.namesOf(config.idps()));
        return new SamlService(saml, sp, new IdpRegistry(saml, config.idps(), (i, ok, why) -> { }), Clock.systemUTC(), false,
                config, new IdpHealth(Clock.systemUTC()));
    }

    public OpenSaml openSaml() {
        return saml;
    }

    public ServiceProvider serviceProvider() {
        return sp;
    }

    public IdpRegistry idps() {
        return idps;
    }

    public ResponseValidator validator() {
        return validator;
    }

    public Optional<DevIdp> devIdp() {
        return dev;
    }

    /** What each IdP did lately (sign-ins, refreshes), for the admin page and the metrics; the ACS tells it. */
    public IdpHealth health() {
        return health;
    }

    /** What {@code saml inspect} prints, and whether every check passed. */
    public record Inspected(String report, boolean passed) { }

    /** True when {@code idp} is one of the configured IdPs. */
    public boolean knows(String idp) {
        return idps.find(idp).isPresent();
    }

    /**
     * {@code saml inspect}: the ACS's checks on a saved Response at {@code at}, as {@link Inspection}
     * runs them; empty when no IdP {@code idp} is configured.
     *
     * @param spEntityId the SP entity ID to expect instead of this service's own for the IdP ({@code --sp-entity-id})
     * @param acsUrl     the ACS URL to expect instead of this service's own ({@code --acs})
     */
    public Optional<Inspected> inspect(String idp, String posted, Optional<String> spEntityId,
                                       Optional<String> acsUrl, Instant at) {
        return idps.find(idp).map(found -> {
            SpSettings settings = new SpSettings(spEntityId.orElse(sp.entityId(idp)), acsUrl.orElse(sp.acsUrl(idp)),
                    sp.settings(idp).decryption());
            Validation v = Inspection.run(saml, posted, found.trust().settings(), settings, at);
            return new Inspected(Inspection.report(v, idp, at), v.steps().stream().noneMatch(Step::failed));
        });
    }

    @Override
    public void close() {
        idps.close();
    }

    /** As Main's {@code saml inspect} read it: the key with its certificate, which config loading checked. */
    private static Optional<SpSettings.KeyPair> decryption(Config config) {
        return config.sp().decryptionKey().map(k -> new SpSettings.KeyPair(
                Certificates.privateKey(k, "sp.decryption_key_file"),
                Certificates.parse(config.sp().decryptionCertificate().orElseThrow(() ->
                        new IllegalArgumentException("sp.decryption_certificate_file is needed with the key")).toString(), "sp")));
    }

    // the keys were checked when the config loaded (config.KeyMaterial); Config hands over paths, not keys, so they are read again here
    private static Optional<SpSettings.KeyPair> keyPair(Optional<Path> key, Optional<Path> cert, String setting) {
        if (key.isEmpty() && cert.isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty() || cert.isEmpty()) {
            throw new IllegalArgumentException(setting + ": give both the key file and the certificate file");
        }
        return Optional.of(new SpSettings.KeyPair(Certificates.privateKey(key.get(), setting + "_key_file"),
                Certificates.parse(cert.get().toString(), setting + "_certificate_file")));
    }
}
