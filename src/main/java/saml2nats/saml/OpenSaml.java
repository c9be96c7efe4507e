package saml2nats.saml;

import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.config.InitializationException;
import org.opensaml.core.config.InitializationService;
import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.Unmarshaller;
import org.opensaml.core.xml.io.UnmarshallingException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * OpenSAML, started once, with a parser that refuses DTDs and external entities and
 * drops comments (so {@code admin@acme.com<!---->.evil.com} reads whole, never as its
 * first text node). OpenSAML types stay inside the {@code saml} package.
 */
public final class OpenSaml {
    private final BasicParserPool parser;

    /** OpenSAML's own registry is process-wide; this holder starts it exactly once. */
    private static final class Started {
        static final boolean DONE = start();

        private static boolean start() {
            try {
                InitializationService.initialize();
                return true;
            } catch (InitializationException e) {
                throw new IllegalStateException("OpenSAML did not initialize", e);
            }
        }
    }

    public OpenSaml() {
        if (!Started.DONE) {
            throw new IllegalStateException("OpenSAML did not initialize");
        }
        parser = new BasicParserPool();
        parser.setNamespaceAware(true);
        parser.setIgnoreComments(true);
        parser.setExpandEntityReferences(false);
        parser.setXincludeAware(false);
        parser.setBuilderFeatures(Map.of(
                "http://apache.org/xml/features/disallow-doctype-decl", true,
                "http://javax.xml.XMLConstants/feature/secure-processing", true,
                "http://xml.org/sax/features/external-general-entities", false,
                "http://xml.org/sax/features/external-parameter-entities", false,
                "http://apache.org/xml/features/nonvalidating/load-external-dtd", false));
        try {
            parser.initialize();
        } catch (ComponentInitializationException e) {
            throw new IllegalStateException("the XML parser could not be configured securely", e);
        }
    }

    public Document parse(String xml) throws XMLParserException {
        return parser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    public XMLObject unmarshal(Element element) throws UnmarshallingException {
        Unmarshaller u = XMLObjectProviderRegistrySupport.getUnmarshallerFactory().getUnmarshaller(element);
        if (u == null) {
            throw new UnmarshallingException("no SAML type for element " + element.getLocalName());
        }
        return u.unmarshall(element);
    }

    BasicParserPool parserPool() {
        return parser;
    }
}
