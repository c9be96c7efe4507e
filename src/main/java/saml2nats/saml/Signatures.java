package saml2nats.saml;

import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.security.impl.SAMLSignatureProfileValidator;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureException;
import org.opensaml.xmlsec.signature.support.SignatureValidator;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether one XML signature on a SAML message is the IdP's and covers what it claims to:
 * the SAML signature profile, the Reference resolving to this element and to no other
 * (the signature-wrapping family), strong algorithms, then the cryptography against each
 * configured certificate. Responses, logout requests and signed metadata all come here.
 */
final class Signatures {
    static final String SHA1_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    static final Set<String> STRONG_SIGNATURES = Set.of(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512");
    static final Set<String> SHA1_ALGORITHMS = Set.of(SHA1_SIGNATURE, "http://www.w3.org/2000/09/xmldsig#sha1",
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1");
    static final Set<String> STRONG_DIGESTS = Set.of("http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha512");
    private static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";

    private Signatures() { }

    /** Empty when {@code sig} on {@code signed} is the IdP's, strong, and covers exactly {@code signed}. */
    static Optional<Check.Result> verify(Signature sig, SignableSAMLObject signed, String what, IdpSettings idp) {
        try {
            new SAMLSignatureProfileValidator().validate(sig);
        } catch (SignatureException ex) {
            return Optional.of(Check.Result.fail(SamlError.SIGNATURE_WRAPPING,
                    "the " + what + "'s signature does not follow the SAML profile (its Reference must name this very element)"));
        }
        Optional<String> wrapping = referencesOnlyThisElement(signed);
        if (wrapping.isPresent()) {
            return Optional.of(Check.Result.fail(SamlError.SIGNATURE_WRAPPING, wrapping.get()));
        }
        Optional<String> weak = weakAlgorithm(sig, idp.allowSha1());
        if (weak.isPresent()) {
            return Optional.of(Check.Result.fail(SamlError.WEAK_ALGORITHM, "the " + what + " is signed with " + weak.get()
                    + "; SHA-1 is refused unless the IdP entry sets allow_sha1: true (better: switch the IdP to SHA-256)"));
        }
        for (var cert : idp.certificates()) {
            try {
                SignatureValidator.validate(sig, new BasicX509Credential(cert));
                return Optional.empty();
            } catch (SignatureException ex) {
                // try the next configured certificate (two during a rotation)
            }
        }
        return Optional.of(Check.Result.fail(SamlError.BAD_SIGNATURE, "the " + what
                + "'s signature does not verify with the IdP certificate(s) configured for '" + idp.id()
                + "': the content was changed, or the IdP signs with a certificate this service does not have"));
    }

    /**
     * The Reference URI is this element's ID, and no other element in the document carries
     * that ID: otherwise the signature may verify over a copy while the reader reads the original.
     */
    static Optional<String> referencesOnlyThisElement(SignableSAMLObject signed) {
        String id = signed.getSignatureReferenceID();
        Element self = signed.getDOM();
        if (id == null || id.isEmpty() || self == null) {
            return Optional.of("the signed element has no ID for its signature to reference");
        }
        int count = countIds(self.getOwnerDocument().getDocumentElement(), id);
        if (count != 1) {
            return Optional.of("the ID " + id + " appears " + count + " times in the document: a signature wrapping attempt");
        }
        return Optional.empty();
    }

    private static int countIds(Element element, String id) {
        int n = 0;
        for (String attr : new String[]{"ID", "Id", "id"}) {
            if (id.equals(element.getAttributeNS(null, attr))) {
                n++;
            }
        }
        for (var child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element c) {
                n += countIds(c, id);
            }
        }
        return n;
    }

    /** The first algorithm (signature or any digest) that is not strong, SHA-1 allowed only when asked. */
    static Optional<String> weakAlgorithm(Signature sig, boolean allowSha1) {
        List<String> algorithms = new ArrayList<>();
        algorithms.add(sig.getSignatureAlgorithm());
        Element dom = sig.getDOM();
        if (dom != null) {
            NodeList digests = dom.getElementsByTagNameNS(DSIG_NS, "DigestMethod");
            for (int i = 0; i < digests.getLength(); i++) {
                algorithms.add(((Element) digests.item(i)).getAttribute("Algorithm"));
            }
        }
        for (String alg : algorithms) {
            boolean strong = STRONG_SIGNATURES.contains(alg) || STRONG_DIGESTS.contains(alg);
            if (!strong && !(allowSha1 && SHA1_ALGORITHMS.contains(alg))) {
                return Optional.of(alg);
            }
        }
        return Optional.empty();
    }
}
