package saml2nats.saml;

import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * SAML HTTP-POST binding (Bindings 3.5): the message, base64, in a form field. Its
 * signature is an enveloped XML signature inside the message (over the root element,
 * exclusive canonicalization), not over the form fields (3.5.4).
 */
public final class PostBinding {
    private PostBinding() { }

    /**
     * The form that carries {@code xml} to {@code endpoint}.
     *
     * @param signer when present, the message is signed inside with it (RSA-SHA256, or ECDSA-SHA256 for an EC key)
     */
    public static Outbound.Post form(OpenSaml saml, String endpoint, String parameter, String xml, String relayState,
                                     Optional<SpSettings.KeyPair> signer) {
        String carried = signer.map(k -> sign(saml, xml, k)).orElse(xml);
        return new Outbound.Post(endpoint, parameter, Base64.getEncoder().encodeToString(carried.getBytes(StandardCharsets.UTF_8)),
                Optional.ofNullable(relayState).filter(r -> !r.isEmpty()));
    }

    /** {@code xml} (a request or response with an ID) with an enveloped signature by {@code key}. */
    public static String sign(OpenSaml saml, String xml, SpSettings.KeyPair key) {
        try {
            SignableSAMLObject object = (SignableSAMLObject) saml.unmarshal(saml.parse(xml).getDocumentElement());
            object.releaseDOM();
            Signature sig = EnvelopedSignature.of(key.certificate(), key.key(), "EC".equals(key.key().getAlgorithm())
                    ? SignatureConstants.ALGO_ID_SIGNATURE_ECDSA_SHA256 : SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256);
            object.setSignature(sig);
            XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(object).marshall(object);
            Signer.signObject(sig);
            return SerializeSupport.nodeToString(object.getDOM());
        } catch (Exception e) { // our own XML and key: a failure here is a bug or a broken key, never the peer's doing
            throw new IllegalStateException("could not sign the SAML message with the SP key", e);
        }
    }
}
