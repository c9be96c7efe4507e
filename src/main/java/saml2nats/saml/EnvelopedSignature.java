package saml2nats.saml;

import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The one way this code base makes an XML signature: enveloped, exclusive canonicalization
 * without comments, by a key and its certificate. The SP's POSTed requests and the dev IdP's
 * responses both use it; the caller marshals and signs once the tree is complete.
 */
final class EnvelopedSignature {
    private EnvelopedSignature() { }

    static Signature of(X509Certificate certificate, PrivateKey key, String signatureAlgorithm) {
        Signature sig = (Signature) XMLObjectProviderRegistrySupport.getBuilderFactory()
                .getBuilderOrThrow(Signature.DEFAULT_ELEMENT_NAME).buildObject(Signature.DEFAULT_ELEMENT_NAME);
        sig.setSigningCredential(new BasicX509Credential(certificate, key));
        sig.setSignatureAlgorithm(signatureAlgorithm);
        sig.setCanonicalizationAlgorithm(SignatureConstants.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
        return sig;
    }
}
