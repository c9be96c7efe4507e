package saml2nats.saml;

import saml2nats.config.Certificates;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.signature.X509Data;

import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;

/**
 * What IdP metadata says: entity ID, signing certificates, SSO and SLO URLs (HTTP-Redirect
 * and HTTP-POST; other bindings are not spoken here).
 * The certificates in it become what every sign-in is checked against, so metadata that
 * crossed a network it could be changed on (plain http) is taken only with a signature by
 * a certificate configured beside it ({@code metadata_signing_certificate}).
 */
record IdpMetadata(String entityId, List<X509Certificate> signingCertificates, Endpoints sso, Endpoints slo) {

    public static IdpMetadata parse(OpenSaml saml, String xml, String owner) {
        return parse(saml, xml, owner, Optional.empty(), Instant.now());
    }

    /**
     * @param signer when present, the EntityDescriptor must carry a valid signature by it (over
     *               itself, strong algorithms only) and must not be past its validUntil at {@code now}
     */
    public static IdpMetadata parse(OpenSaml saml, String xml, String owner, Optional<X509Certificate> signer, Instant now) {
        XMLObject object;
        try {
            object = saml.unmarshal(saml.parse(xml).getDocumentElement());
        } catch (Exception e) {
            throw new IllegalArgumentException(owner + ": the IdP metadata is not readable XML");
        }
        if (!(object instanceof EntityDescriptor entity)) {
            throw new IllegalArgumentException(owner + ": the metadata is not an EntityDescriptor");
        }
        if (signer.isPresent()) {
            verify(entity, signer.get(), owner, now);
        }
        IDPSSODescriptor idp = entity.getIDPSSODescriptor("urn:oasis:names:tc:SAML:2.0:protocol");
        if (idp == null) {
            throw new IllegalArgumentException(owner + ": the metadata describes no SAML 2.0 IdP (IDPSSODescriptor)");
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (KeyDescriptor kd : idp.getKeyDescriptors()) {
            if (kd.getUse() == UsageType.ENCRYPTION || kd.getKeyInfo() == null) {
                continue;
            }
            for (X509Data data : kd.getKeyInfo().getX509Datas()) {
                for (var c : data.getX509Certificates()) {
                    certs.add(Certificates.parse(c.getValue(), owner));
                }
            }
        }
        Endpoints sso = endpoints(idp.getSingleSignOnServices());
        Endpoints slo = endpoints(idp.getSingleLogoutServices());
        return new IdpMetadata(entity.getEntityID(), certs, sso, slo);
    }

    /** The first Location offered for each binding spoken here, in document order. */
    private static Endpoints endpoints(List<? extends org.opensaml.saml.saml2.metadata.Endpoint> offered) {
        return new Endpoints(location(offered, Binding.REDIRECT), location(offered, Binding.POST));
    }

    private static Optional<String> location(List<? extends org.opensaml.saml.saml2.metadata.Endpoint> offered, Binding binding) {
        return offered.stream().filter(e -> binding.urn.equals(e.getBinding()) && e.getLocation() != null
                && !e.getLocation().isBlank()).map(org.opensaml.saml.saml2.metadata.Endpoint::getLocation).findFirst();
    }

    private static void verify(EntityDescriptor entity, X509Certificate signer, String owner, Instant now) {
        Signature sig = entity.getSignature();
        if (sig == null) {
            throw new IllegalArgumentException(owner + ": the metadata is not signed, but metadata_signing_certificate "
                    + "says it must be: check the URL, or ask the IdP for its signed metadata");
        }
        try {
            new SAMLSignatureProfileValidator().validate(sig);
        } catch (SignatureException e) {
            throw new IllegalArgumentException(owner + ": the metadata's signature does not cover the EntityDescriptor itself");
        }
        Signatures.referencesOnlyThisElement(entity).ifPresent(problem -> {
            throw new IllegalArgumentException(owner + ": " + problem);
        });
        Signatures.weakAlgorithm(sig, false).ifPresent(alg -> {
            throw new IllegalArgumentException(owner + ": the metadata is signed with " + alg + ", which is not accepted");
        });
        try {
            SignatureValidator.validate(sig, new BasicX509Credential(signer));
        } catch (SignatureException e) {
            throw new IllegalArgumentException(owner + ": the metadata's signature does not verify with "
                    + "metadata_signing_certificate: it was changed on the way, or is signed by another key");
        }
        if (entity.getValidUntil() != null && !now.isBefore(entity.getValidUntil())) {
            throw new IllegalArgumentException(owner + ": the signed metadata expired at " + entity.getValidUntil()
                    + " (validUntil): an old copy could carry a retired certificate; fetch fresh metadata");
        }
    }
}
