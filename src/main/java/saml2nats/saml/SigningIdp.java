package saml2nats.saml;

import net.shibboleth.utilities.java.support.xml.SerializeSupport;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.core.xml.schema.impl.XSStringBuilder;
import org.opensaml.saml.common.SAMLVersion;
import org.opensaml.saml.common.SignableSAMLObject;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import org.opensaml.saml.saml2.core.AttributeValue;
import org.opensaml.saml.saml2.core.Audience;
import org.opensaml.saml.saml2.core.AudienceRestriction;
import org.opensaml.saml.saml2.core.AuthnContext;
import org.opensaml.saml.saml2.core.AuthnContextClassRef;
import org.opensaml.saml.saml2.core.AuthnStatement;
import org.opensaml.saml.saml2.core.Conditions;
import org.opensaml.saml.saml2.core.EncryptedAssertion;
import org.opensaml.saml.saml2.core.Issuer;
import org.opensaml.saml.saml2.core.NameID;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.Status;
import org.opensaml.saml.saml2.core.StatusCode;
import org.opensaml.saml.saml2.core.Subject;
import org.opensaml.saml.saml2.core.SubjectConfirmation;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;
import org.opensaml.saml.saml2.encryption.Encrypter;
import org.opensaml.security.x509.BasicX509Credential;
import org.opensaml.xmlsec.encryption.support.DataEncryptionParameters;
import org.opensaml.xmlsec.encryption.support.EncryptionConstants;
import org.opensaml.xmlsec.encryption.support.KeyEncryptionParameters;
import org.opensaml.xmlsec.signature.Signature;
import org.opensaml.xmlsec.signature.support.SignatureConstants;
import org.opensaml.xmlsec.signature.support.Signer;
import org.opensaml.saml.common.SAMLObjectContentReference;

import javax.xml.namespace.QName;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An identity provider in a box: signs real SAML Responses with OpenSAML and a key it
 * holds. It serves the development sign-in ({@code dev_idp: true}) and is the test
 * IdP; an attack test starts from its output and edits the XML.
 */
public final class SigningIdp {
    /** A private key and its self-signed certificate. */
    public record Keys(PrivateKey key, X509Certificate certificate) {
        /** A throw-away RSA 2048 key and certificate, valid from an hour ago for a year. */
        public static Keys generate(String commonName) {
            return generate(commonName, Duration.ofDays(365));
        }

        /** As {@link #generate(String)}, its certificate expiring {@code validFor} from now. */
        public static Keys generate(String commonName, Duration validFor) {
            try {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                gen.initialize(2048, new SecureRandom());
                KeyPair pair = gen.generateKeyPair();
                X500Name name = new X500Name("CN=" + commonName);
                Instant now = Instant.now();
                var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validFor)), name, pair.getPublic());
                var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
                return new Keys(pair.getPrivate(), new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
            } catch (Exception e) {
                throw new IllegalStateException("could not make a key pair", e);
            }
        }
    }

    /**
     * Everything a Response says; {@link #forPerson} fills in a correct one.
     *
     * @param bearerNotOnOrAfter  the bearer confirmation's expiry (usually the Conditions' own)
     * @param sessionNotOnOrAfter the IdP's session end in the AuthnStatement; null for none
     * @param otherAudience       when set, a second AudienceRestriction naming only it
     * @param bearerNamesRequest  whether the bearer confirmation carries InResponseTo too (some IdPs put it
     *                            only on the Response)
     */
    public record Spec(String responseId, String assertionId, String issuer, String destination, String audience,
                       String recipient, String inResponseTo, String nameId, Instant issueInstant, Instant notBefore,
                       Instant notOnOrAfter, String status, Map<String, List<String>> attributes, boolean signResponse,
                       boolean signAssertion, String signatureAlgorithm, String digestAlgorithm,
                       Optional<X509Certificate> encryptFor, Instant bearerNotOnOrAfter, Instant sessionNotOnOrAfter,
                       String otherAudience, boolean bearerNamesRequest) {

        public static Spec forPerson(String issuer, SpSettings sp, String inResponseTo, String nameId,
                                     Map<String, List<String>> attributes, Instant now) {
            Instant until = now.plus(Duration.ofMinutes(5));
            return new Spec(newId(), newId(), issuer, sp.acsUrl(), sp.entityId(), sp.acsUrl(), inResponseTo, nameId, now,
                    now.minusSeconds(5), until, StatusCode.SUCCESS, attributes, false, true,
                    SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, SignatureConstants.ALGO_ID_DIGEST_SHA256, Optional.empty(),
                    until, null, null, true);
        }

        public Spec with(java.util.function.UnaryOperator<Builder> change) {
            return change.apply(new Builder(this)).build();
        }
    }

    /** Changes one or two things of a correct spec, for tests and the dev IdP. */
    public static final class Builder {
        public String responseId, assertionId, issuer, destination, audience, recipient, inResponseTo, nameId, status;
        public Instant issueInstant, notBefore, notOnOrAfter;
        public Map<String, List<String>> attributes;
        public boolean signResponse, signAssertion;
        public String signatureAlgorithm, digestAlgorithm;
        public Optional<X509Certificate> encryptFor;
        /** Null: the same as {@link #notOnOrAfter}. */
        public Instant bearerNotOnOrAfter, sessionNotOnOrAfter;
        public String otherAudience;
        public boolean bearerNamesRequest;

        Builder(Spec s) {
            responseId = s.responseId(); assertionId = s.assertionId(); issuer = s.issuer(); destination = s.destination();
            audience = s.audience(); recipient = s.recipient(); inResponseTo = s.inResponseTo(); nameId = s.nameId();
            issueInstant = s.issueInstant(); notBefore = s.notBefore(); notOnOrAfter = s.notOnOrAfter(); status = s.status();
            attributes = s.attributes(); signResponse = s.signResponse(); signAssertion = s.signAssertion();
            signatureAlgorithm = s.signatureAlgorithm(); digestAlgorithm = s.digestAlgorithm(); encryptFor = s.encryptFor();
            // a bearer expiry that followed the Conditions' keeps following them when a test changes those
            bearerNotOnOrAfter = s.bearerNotOnOrAfter().equals(s.notOnOrAfter()) ? null : s.bearerNotOnOrAfter();
            sessionNotOnOrAfter = s.sessionNotOnOrAfter(); otherAudience = s.otherAudience();
            bearerNamesRequest = s.bearerNamesRequest();
        }

        Spec build() {
            return new Spec(responseId, assertionId, issuer, destination, audience, recipient, inResponseTo, nameId,
                    issueInstant, notBefore, notOnOrAfter, status, attributes, signResponse, signAssertion,
                    signatureAlgorithm, digestAlgorithm, encryptFor,
                    bearerNotOnOrAfter == null ? notOnOrAfter : bearerNotOnOrAfter, sessionNotOnOrAfter, otherAudience,
                    bearerNamesRequest);
        }
    }

    private final Keys keys;
    private final OpenSaml saml;

    /** Takes {@link OpenSaml} so that OpenSAML is surely started before anything is built. */
    public SigningIdp(OpenSaml saml, Keys keys) {
        this.keys = keys;
        this.saml = saml;
    }

    /** IdP metadata (an EntityDescriptor) signed by this IdP's key, as IdPs publish it for metadata_signing_certificate. */
    public String signMetadata(String entityDescriptor) {
        try {
            var entity = (org.opensaml.saml.saml2.metadata.EntityDescriptor) saml.unmarshal(saml.parse(entityDescriptor)
                    .getDocumentElement());
            entity.setSignature(null);
            if (entity.getID() == null) {
                entity.setID(newId());
            }
            entity.releaseDOM();
            sign(entity, SignatureConstants.ALGO_ID_SIGNATURE_RSA_SHA256, SignatureConstants.ALGO_ID_DIGEST_SHA256);
            marshal(entity);
            Signer.signObject(entity.getSignature());
            return SerializeSupport.nodeToString(entity.getDOM());
        } catch (Exception e) {
            throw new IllegalStateException("could not sign the metadata", e);
        }
    }

    public X509Certificate certificate() {
        return keys.certificate();
    }

    public static String newId() {
        return SamlIds.fresh(new SecureRandom());
    }

    /** The Response as XML text, signed (and encrypted) as the spec says. */
    public String respond(Spec s) {
        try {
            Assertion assertion = assertion(s);
            if (s.signAssertion()) {
                sign(assertion, s);
            }
            Response response = build(Response.DEFAULT_ELEMENT_NAME);
            response.setID(s.responseId());
            response.setVersion(SAMLVersion.VERSION_20);
            response.setIssueInstant(s.issueInstant());
            response.setDestination(s.destination());
            response.setInResponseTo(s.inResponseTo());
            response.setIssuer(issuer(s.issuer()));
            Status status = build(Status.DEFAULT_ELEMENT_NAME);
            StatusCode code = build(StatusCode.DEFAULT_ELEMENT_NAME);
            code.setValue(s.status());
            status.setStatusCode(code);
            response.setStatus(status);
            if (s.encryptFor().isPresent()) {
                marshal(assertion);
                if (s.signAssertion()) {
                    Signer.signObject(assertion.getSignature());
                }
                response.getEncryptedAssertions().add(encrypt(assertion, s.encryptFor().get()));
            } else {
                response.getAssertions().add(assertion);
            }
            if (s.signResponse()) {
                sign(response, s);
            }
            marshal(response);
            if (s.signAssertion() && s.encryptFor().isEmpty()) {
                Signer.signObject(assertion.getSignature());
            }
            if (s.signResponse()) {
                Signer.signObject(response.getSignature());
            }
            return SerializeSupport.nodeToString(response.getDOM());
        } catch (Exception e) {
            throw new IllegalStateException("the signing IdP could not build a response", e);
        }
    }

    private Assertion assertion(Spec s) {
        Assertion a = build(Assertion.DEFAULT_ELEMENT_NAME);
        a.setID(s.assertionId());
        a.setVersion(SAMLVersion.VERSION_20);
        a.setIssueInstant(s.issueInstant());
        a.setIssuer(issuer(s.issuer()));

        Subject subject = build(Subject.DEFAULT_ELEMENT_NAME);
        NameID nameId = build(NameID.DEFAULT_ELEMENT_NAME);
        nameId.setFormat(NameID.EMAIL);
        nameId.setValue(s.nameId());
        subject.setNameID(nameId);
        SubjectConfirmation sc = build(SubjectConfirmation.DEFAULT_ELEMENT_NAME);
        sc.setMethod(SubjectConfirmation.METHOD_BEARER);
        SubjectConfirmationData data = build(SubjectConfirmationData.DEFAULT_ELEMENT_NAME);
        data.setRecipient(s.recipient());
        data.setNotOnOrAfter(s.bearerNotOnOrAfter());
        data.setInResponseTo(s.bearerNamesRequest() ? s.inResponseTo() : null);
        sc.setSubjectConfirmationData(data);
        subject.getSubjectConfirmations().add(sc);
        a.setSubject(subject);

        Conditions conditions = build(Conditions.DEFAULT_ELEMENT_NAME);
        conditions.setNotBefore(s.notBefore());
        conditions.setNotOnOrAfter(s.notOnOrAfter());
        AudienceRestriction restriction = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
        Audience audience = build(Audience.DEFAULT_ELEMENT_NAME);
        audience.setURI(s.audience());
        restriction.getAudiences().add(audience);
        conditions.getAudienceRestrictions().add(restriction);
        if (s.otherAudience() != null) {
            AudienceRestriction other = build(AudienceRestriction.DEFAULT_ELEMENT_NAME);
            Audience otherAudience = build(Audience.DEFAULT_ELEMENT_NAME);
            otherAudience.setURI(s.otherAudience());
            other.getAudiences().add(otherAudience);
            conditions.getAudienceRestrictions().add(other);
        }
        a.setConditions(conditions);

        AuthnStatement authn = build(AuthnStatement.DEFAULT_ELEMENT_NAME);
        authn.setAuthnInstant(s.issueInstant());
        authn.setSessionNotOnOrAfter(s.sessionNotOnOrAfter());
        AuthnContext context = build(AuthnContext.DEFAULT_ELEMENT_NAME);
        AuthnContextClassRef ref = build(AuthnContextClassRef.DEFAULT_ELEMENT_NAME);
        ref.setURI(AuthnContext.PPT_AUTHN_CTX);
        context.setAuthnContextClassRef(ref);
        authn.setAuthnContext(context);
        a.getAuthnStatements().add(authn);

        if (!s.attributes().isEmpty()) {
            AttributeStatement statement = build(AttributeStatement.DEFAULT_ELEMENT_NAME);
            XSStringBuilder strings = (XSStringBuilder) XMLObjectProviderRegistrySupport.getBuilderFactory()
                    .<XSString>getBuilderOrThrow(XSString.TYPE_NAME);
            s.attributes().forEach((name, values) -> {
                Attribute attr = build(Attribute.DEFAULT_ELEMENT_NAME);
                attr.setName(name);
                attr.setNameFormat(Attribute.BASIC);
                for (String v : values) {
                    XSString value = strings.buildObject(AttributeValue.DEFAULT_ELEMENT_NAME, XSString.TYPE_NAME);
                    value.setValue(v);
                    attr.getAttributeValues().add(value);
                }
                statement.getAttributes().add(attr);
            });
            a.getAttributeStatements().add(statement);
        }
        return a;
    }

    private void sign(SignableSAMLObject object, Spec s) {
        sign(object, s.signatureAlgorithm(), s.digestAlgorithm());
    }

    private void sign(SignableSAMLObject object, String signatureAlgorithm, String digestAlgorithm) {
        Signature sig = EnvelopedSignature.of(keys.certificate(), keys.key(), signatureAlgorithm);
        object.setSignature(sig);
        ((SAMLObjectContentReference) sig.getContentReferences().get(0)).setDigestAlgorithm(digestAlgorithm);
    }

    private static EncryptedAssertion encrypt(Assertion assertion, X509Certificate to) throws Exception {
        DataEncryptionParameters data = new DataEncryptionParameters();
        data.setAlgorithm(EncryptionConstants.ALGO_ID_BLOCKCIPHER_AES256_GCM);
        KeyEncryptionParameters key = new KeyEncryptionParameters();
        key.setEncryptionCredential(new BasicX509Credential(to));
        key.setAlgorithm(EncryptionConstants.ALGO_ID_KEYTRANSPORT_RSAOAEP);
        Encrypter encrypter = new Encrypter(data, key);
        encrypter.setKeyPlacement(Encrypter.KeyPlacement.PEER);
        return encrypter.encrypt(assertion);
    }

    private static Issuer issuer(String value) {
        Issuer issuer = build(Issuer.DEFAULT_ELEMENT_NAME);
        issuer.setValue(value);
        return issuer;
    }

    private static void marshal(org.opensaml.core.xml.XMLObject object) throws Exception {
        XMLObjectProviderRegistrySupport.getMarshallerFactory().getMarshaller(object).marshall(object);
    }

    @SuppressWarnings("unchecked")
    private static <T> T build(QName name) {
        return (T) XMLObjectProviderRegistrySupport.getBuilderFactory().getBuilderOrThrow(name).buildObject(name);
    }
}
