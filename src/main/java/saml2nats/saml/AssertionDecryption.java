package saml2nats.saml;

import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.encryption.Decrypter;
import org.opensaml.saml.saml2.encryption.EncryptedElementTypeEncryptedKeyResolver;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.ChainingEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.DecryptionException;
import org.opensaml.xmlsec.encryption.support.InlineEncryptedKeyResolver;
import org.opensaml.xmlsec.encryption.support.SimpleRetrievalMethodEncryptedKeyResolver;
import org.opensaml.xmlsec.keyinfo.impl.StaticKeyInfoCredentialResolver;

import java.util.List;

/**
 * Opens an EncryptedAssertion with this service's key. IdPs place the EncryptedKey
 * differently (inside EncryptedData's KeyInfo; Okta beside it, in the EncryptedAssertion;
 * some by RetrievalMethod), so the three resolvers are chained. The result is rooted in a
 * new document, so signature references resolve within the decrypted assertion alone.
 */
final class AssertionDecryption {
    private AssertionDecryption() { }

    static Assertion open(EncryptedAssertion sealed, SpSettings.KeyPair key) throws DecryptionException {
        BasicX509Credential credential = new BasicX509Credential(key.certificate(), key.key());
        Decrypter decrypter = new Decrypter(null, new StaticKeyInfoCredentialResolver(credential),
                new ChainingEncryptedKeyResolver(List.of(new InlineEncryptedKeyResolver(),
                        new EncryptedElementTypeEncryptedKeyResolver(), new SimpleRetrievalMethodEncryptedKeyResolver())));
        decrypter.setRootInNewDocument(true);
        return decrypter.decrypt(sealed);
    }
}
