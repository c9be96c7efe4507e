package saml2nats.saml;

import org.opensaml.saml.saml2.core.AuthnRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The development IdP of {@code dev_idp: true}: a real SAML IdP inside the service,
 * signing real Responses with a key made at start, for a few test people that match
 * {@code config/mapping.yaml}. Its Responses go through the same validation as any
 * other IdP's. It answers only AuthnRequests for this service's own ACS, so it cannot
 * be used to sign assertions for anybody else.
 */
public final class DevIdp {
    public static final String ID = saml2nats.config.Config.DEV_IDP;

    /** A test person. */
    public record Person(String username, String name, String email, List<String> groups) { }

    public static final List<Person> PEOPLE = List.of(
            new Person("alice", "Alice Developer", "alice@example.com", List.of("eng-developers")),
            new Person("bob", "Bob Operator", "bob@example.com", List.of("eng-operators")),
            new Person("carol", "Carol Auditor", "carol@example.com", List.of("audit")),
            new Person("dave", "Dave Sales", "dave@example.com", List.of("sales")));

    /** An AuthnRequest the dev IdP accepted. */
    public record Request(String id, String acsUrl) { }

    private final OpenSaml saml;
    private final ServiceProvider sp;
    private final SigningIdp signer;
    private final IdentityProvider provider;
    private final String entityId;
    private final Clock clock;

    public DevIdp(OpenSaml saml, ServiceProvider sp, URI publicUrl, Clock clock) {
        this.saml = saml;
        this.sp = sp;
        this.clock = clock;
        this.signer = new SigningIdp(saml, SigningIdp.Keys.generate("saml2nats development IdP"));
        this.entityId = publicUrl + "/dev-idp";
        IdpSettings settings = new IdpSettings(ID, entityId, List.of(signer.certificate()), AttributeNames.DEFAULTS,
                false, false, IdpSettings.DEFAULT_SKEW);
        this.provider = new IdentityProvider(ID, "Development sign-in (test people)", List.of("example.com"), java.util.Set.of(),
                new IdentityProvider.Trust(settings, publicUrl + "/dev-idp/sso", ""));
    }

    public IdentityProvider provider() {
        return provider;
    }

    public static Optional<Person> person(String username) {
        return PEOPLE.stream().filter(p -> p.username().equals(username)).findFirst();
    }

    /** Reads a redirect-bound AuthnRequest; IllegalArgumentException unless it is one for this service's dev ACS. */
    public Request read(String samlRequest) {
        String xml = RedirectBinding.inflate(samlRequest);
        Object parsed;
        try {
            parsed = saml.unmarshal(saml.parse(xml).getDocumentElement());
        } catch (Exception e) {
            throw new IllegalArgumentException("the SAMLRequest is not readable XML");
        }
        if (!(parsed instanceof AuthnRequest request) || request.getID() == null) {
            throw new IllegalArgumentException("the SAMLRequest is not an AuthnRequest");
        }
        String acs = request.getAssertionConsumerServiceURL();
        if (!sp.acsUrl(ID).equals(acs)) {
            throw new IllegalArgumentException("the development IdP answers only this service's own ACS, not " + acs);
        }
        return new Request(request.getID(), acs);
    }

    /** A signed Response for the person, base64 as posted to the ACS. */
    public String respond(Request request, Person person) {
        SigningIdp.Spec spec = SigningIdp.Spec.forPerson(entityId, sp.settings(ID), request.id(), person.email(),
                Map.of("email", List.of(person.email()), "username", List.of(person.username()),
                        "displayName", List.of(person.name()), "groups", person.groups()), clock.instant());
        return Base64.getEncoder().encodeToString(signer.respond(spec).getBytes(StandardCharsets.UTF_8));
    }
}
