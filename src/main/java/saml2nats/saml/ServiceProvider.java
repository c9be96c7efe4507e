package saml2nats.saml;

import saml2nats.config.Config;

import java.net.URI;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This service as a SAML SP: its URLs per IdP, its AuthnRequests and logout messages
 * (HTTP-Redirect, or HTTP-POST to an IdP that takes only that; signed when it has a
 * signing key) and its metadata.
 */
public final class ServiceProvider {
    /** An AuthnRequest on its way: its ID (to be remembered as pending) and what carries it to the IdP. */
    public record Outgoing(String id, Outbound to) { }

    /**
     * What this service calls itself towards one IdP, where set ({@code sp_entity_id},
     * {@code acs_path}); unset parts are {@code {public_url}/saml/{id}/metadata} and {@code /saml/{id}/acs}.
     */
    public record Names(Optional<String> entityId, Optional<String> acsPath) { }

    private final OpenSaml saml;
    private final URI publicUrl;
    private final Optional<SpSettings.KeyPair> signing;
    private final Optional<SpSettings.KeyPair> decryption;
    private final Map<String, Names> names;
    private final SecureRandom random = new SecureRandom();

    public ServiceProvider(OpenSaml saml, URI publicUrl, Optional<SpSettings.KeyPair> signing,
                           Optional<SpSettings.KeyPair> decryption) {
        this(saml, publicUrl, signing, decryption, Map.of());
    }

    /** @param names by IdP id; an IdP not in it has the default names */
    public ServiceProvider(OpenSaml saml, URI publicUrl, Optional<SpSettings.KeyPair> signing,
                           Optional<SpSettings.KeyPair> decryption, Map<String, Names> names) {
        this.saml = saml;
        this.publicUrl = publicUrl;
        this.signing = signing;
        this.decryption = decryption;
        this.names = Map.copyOf(names);
    }

    /** The names each configured IdP sets. */
    public static Map<String, Names> namesOf(List<Config.Idp> idps) {
        Map<String, Names> names = new LinkedHashMap<>();
        idps.forEach(i -> names.put(i.id(), new Names(i.spEntityId(), i.acsPath())));
        return names;
    }

    /** The entity ID AuthnRequests and logout messages are issued by, and assertions must be meant for. */
    public String entityId(String idp) {
        return names(idp).entityId().orElse(publicUrl + "/saml/" + idp + "/metadata");
    }

    /** The path this service takes the IdP's Responses at. */
    public String acsPath(String idp) {
        return names(idp).acsPath().orElse("/saml/" + idp + "/acs");
    }

    public String acsUrl(String idp) {
        return publicUrl + acsPath(idp);
    }

    /** The configured ACS paths that are not of the {@code /saml/{id}/acs} shape, to the IdP each belongs to. */
    public Map<String, String> ownAcsPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        names.forEach((idp, n) -> n.acsPath().ifPresent(p -> paths.put(p, idp)));
        return paths;
    }

    private Names names(String idp) {
        return names.getOrDefault(idp, new Names(Optional.empty(), Optional.empty()));
    }

    public String sloUrl(String idp) {
        return publicUrl + "/saml/" + idp + "/slo";
    }

    /** Where the IdP's back channel posts its SOAP LogoutRequests (Keycloak's "Logout Service SOAP Binding URL"). */
    public String soapSloUrl(String idp) {
        return sloUrl(idp) + "/soap";
    }

    public SpSettings settings(String idp) {
        return new SpSettings(entityId(idp), acsUrl(idp), decryption);
    }

    /** Redirect when the IdP offers it, else POST (Google Workspace, OneLogin offer only that). */
    public Outgoing authnRequest(IdentityProvider idp, String relayState, Instant now) {
        Endpoint sso = idp.trust().sso().preferred().orElseThrow(() -> new IllegalStateException(
                "IdP '" + idp.id() + "' has no SSO URL: the registry refuses such an IdP at load"));
        String id = newId();
        String xml = """
                <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s" \
                Destination="%s" AssertionConsumerServiceURL="%s" \
                ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">\
                <saml:Issuer>%s</saml:Issuer>\
                <samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>""".formatted(id,
                now.truncatedTo(ChronoUnit.SECONDS), xml(sso.url()), xml(acsUrl(idp.id())), xml(entityId(idp.id())));
        return new Outgoing(id, send(sso, "SAMLRequest", xml, relayState));
    }

    /** {@code xml} as the endpoint's binding carries it, signed the way that binding signs when there is a key. */
    private Outbound send(Endpoint to, String parameter, String xml, String relayState) {
        return switch (to.binding()) {
            case REDIRECT -> new Outbound.Redirect(RedirectBinding.url(to.url(), parameter, xml, relayState,
                    signing.map(SpSettings.KeyPair::key)));
            case POST -> PostBinding.form(saml, to.url(), parameter, xml, relayState, signing);
        };
    }

    private String newId() {
        return SamlIds.fresh(random);
    }

    /** A LogoutRequest for the person, to the IdP's SLO URL (SP-initiated single logout); empty when it has none. */
    public Optional<Outbound> logoutRequest(IdentityProvider idp, String nameId, Instant now) {
        Optional<Endpoint> slo = idp.trust().slo().preferred();
        if (slo.isEmpty()) {
            return Optional.empty();
        }
        String xml = """
                <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s" Destination="%s">\
                <saml:Issuer>%s</saml:Issuer><saml:NameID>%s</saml:NameID></samlp:LogoutRequest>""".formatted(
                newId(), now.truncatedTo(ChronoUnit.SECONDS), xml(slo.get().url()), xml(entityId(idp.id())), xml(nameId));
        return Optional.of(send(slo.get(), "SAMLRequest", xml, null));
    }

    /**
     * The LogoutResponse (Success) to an IdP's LogoutRequest that came by {@code came}: by the same
     * binding when the IdP offers it, else by the other; empty when the IdP has no SLO URL.
     */
    public Optional<Outbound> logoutResponse(IdentityProvider idp, String inResponseTo, Binding came, Instant now) {
        Optional<Endpoint> slo = idp.trust().slo().answering(came);
        if (slo.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(send(slo.get(), "SAMLResponse", successXml(idp, inResponseTo, Optional.of(slo.get().url()), now), null));
    }

    /**
     * The answer to a LogoutRequest that came by the SOAP back channel: a LogoutResponse (Success)
     * in a SOAP envelope, the HTTP answer to the IdP's own request. No Destination (nothing relays
     * it, Bindings 3.2.2); signed inside when the SP has a signing key, for an IdP that asks it.
     */
    public String soapLogoutResponse(IdentityProvider idp, String inResponseTo, Instant now) {
        String xml = successXml(idp, inResponseTo, Optional.empty(), now);
        return SoapBinding.envelope(signing.map(k -> PostBinding.sign(saml, xml, k)).orElse(xml));
    }

    private String successXml(IdentityProvider idp, String inResponseTo, Optional<String> destination, Instant now) {
        return """
                <samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s"%s \
                InResponseTo="%s"><saml:Issuer>%s</saml:Issuer>\
                <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
                </samlp:LogoutResponse>""".formatted(newId(), now.truncatedTo(ChronoUnit.SECONDS),
                destination.map(d -> " Destination=\"" + xml(d) + "\"").orElse(""), xml(inResponseTo), xml(entityId(idp.id())));
    }

    /** SP metadata for one IdP: entity ID, ACS (HTTP-POST), SLO (HTTP-Redirect, HTTP-POST, SOAP), certificates, NameID formats. */
    public String metadata(String idp) {
        StringBuilder keys = new StringBuilder();
        signing.ifPresent(k -> keys.append(keyDescriptor("signing", k.certificate())));
        decryption.ifPresent(k -> keys.append(keyDescriptor("encryption", k.certificate())));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
                  <md:SPSSODescriptor AuthnRequestsSigned="%s" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                %s    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%4$s"/>
                    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%4$s"/>
                    <md:SingleLogoutService Binding="%6$s" Location="%7$s"/>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
                    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
                    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%5$s" index="0" isDefault="true"/>
                  </md:SPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(xml(entityId(idp)), signing.isPresent(), keys, xml(sloUrl(idp)), xml(acsUrl(idp)),
                        SoapBinding.URN, xml(soapSloUrl(idp)));
    }

    private static String keyDescriptor(String use, X509Certificate cert) {
        try {
            return """
                        <md:KeyDescriptor use="%s"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    """.formatted(use, Base64.getEncoder().encodeToString(cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("SP certificate cannot be encoded", e);
        }
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
