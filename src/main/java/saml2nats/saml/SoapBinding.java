package saml2nats.saml;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * SAML SOAP binding (Bindings 3.2), SOAP 1.1, as an IdP's back channel speaks it: the IdP
 * posts a LogoutRequest in a SOAP envelope straight to this service (no browser between)
 * and reads the LogoutResponse from the HTTP answer. Only the envelope is this class's
 * business; the message inside is signed and checked as a POSTed one is (enveloped XML
 * signature, 3.2.4: the binding itself authenticates nothing over plain HTTP).
 */
public final class SoapBinding {
    public static final String URN = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP";
    static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";

    private SoapBinding() { }

    /**
     * The one SAML element in the envelope's Body. A SOAP 1.2 envelope, a Body holding two
     * elements or text, or a Header the SOAP rules say must be understood (we understand none)
     * is not a message this binding carries: {@link IllegalArgumentException} with a sentence.
     */
    static Element message(Document envelope) {
        Element root = envelope.getDocumentElement();
        if (!ENVELOPE_NS.equals(root.getNamespaceURI()) || !"Envelope".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a SOAP 1.1 envelope (the SAML SOAP binding uses SOAP 1.1, root "
                    + "{" + ENVELOPE_NS + "}Envelope); got {" + root.getNamespaceURI() + "}" + root.getLocalName());
        }
        Element header = null;
        Element body = null;
        for (Element e : children(root)) {
            if (body == null && header == null && isSoap(e, "Header")) {
                header = e;
            } else if (body == null && isSoap(e, "Body")) {
                body = e;
            } else {
                throw new IllegalArgumentException("the SOAP envelope holds " + e.getLocalName()
                        + " where only an optional Header and then one Body may be");
            }
        }
        if (body == null) {
            throw new IllegalArgumentException("the SOAP envelope has no Body");
        }
        if (header != null) {
            for (Element h : children(header)) {
                String must = h.getAttributeNS(ENVELOPE_NS, "mustUnderstand");
                if ("1".equals(must) || "true".equals(must)) {
                    throw new IllegalArgumentException("the SOAP header " + h.getLocalName()
                            + " must be understood, and this service understands no SOAP headers");
                }
            }
        }
        var inside = children(body);
        if (inside.size() != 1) {
            throw new IllegalArgumentException("the SOAP Body holds " + inside.size()
                    + " elements; the SAML SOAP binding carries exactly one SAML message");
        }
        return inside.get(0);
    }

    /** {@code xml} (one element, any XML declaration dropped) as the Body of a SOAP 1.1 envelope. */
    static String envelope(String xml) {
        String element = xml.strip().replaceFirst("^<\\?xml[^>]*\\?>", "");
        return "<soap11:Envelope xmlns:soap11=\"" + ENVELOPE_NS + "\"><soap11:Body>" + element
                + "</soap11:Body></soap11:Envelope>";
    }

    /**
     * A SOAP 1.1 fault (sent with HTTP 500, as SOAP 1.1 asks): {@code Client} when the message
     * was refused, with the reason, which names no secret (the refusal sentences never do).
     */
    public static String fault(String reason) {
        return "<soap11:Envelope xmlns:soap11=\"" + ENVELOPE_NS + "\"><soap11:Body><soap11:Fault>"
                + "<faultcode>soap11:Client</faultcode><faultstring>" + ServiceProvider.xml(reason)
                + "</faultstring></soap11:Fault></soap11:Body></soap11:Envelope>";
    }

    private static boolean isSoap(Element e, String name) {
        return ENVELOPE_NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName());
    }

    /** Element children; text other than whitespace is refused (nothing of SOAP's is bare text). */
    private static java.util.List<Element> children(Element parent) {
        java.util.List<Element> out = new java.util.ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            } else if (n.getNodeType() == Node.TEXT_NODE && !n.getTextContent().isBlank()
                    || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                throw new IllegalArgumentException("the SOAP " + parent.getLocalName() + " holds bare text");
            }
        }
        return out;
    }
}
