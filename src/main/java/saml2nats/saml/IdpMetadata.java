package saml2nats.saml;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.security.credential.UsageType;
import org.opensaml.xmlsec.signature.X509Data;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** What IdP metadata says: entity ID, signing certificates, SSO and SLO URLs (HTTP-Redirect). */
public record IdpMetadata(String entityId, List<X509Certificate> signingCertificates, String ssoUrl, String sloUrl) {
    static final String REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

    public static IdpMetadata parse(OpenSaml saml, String xml, String owner) {
        XMLObject object;
        try {
            object = saml.unmarshal(saml.parse(xml).getDocumentElement());
        } catch (Exception e) {
            throw new IllegalArgumentException(owner + ": the IdP metadata is not readable XML");
        }
        if (!(object instanceof EntityDescriptor entity)) {
            throw new IllegalArgumentException(owner + ": the metadata is not an EntityDescriptor");
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
        String sso = idp.getSingleSignOnServices().stream().filter(s -> REDIRECT.equals(s.getBinding()))
                .map(SingleSignOnService::getLocation).findFirst().orElse("");
        String slo = idp.getSingleLogoutServices().stream().filter(s -> REDIRECT.equals(s.getBinding()))
                .map(SingleLogoutService::getLocation).findFirst().orElse("");
        return new IdpMetadata(entity.getEntityID(), certs, sso, slo);
    }
}
