package saml2nats.saml;

import org.opensaml.core.xml.XMLObject;
import org.opensaml.core.xml.schema.XSAny;
import org.opensaml.core.xml.schema.XSString;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Attribute;
import org.opensaml.saml.saml2.core.AttributeStatement;
import saml2nats.session.Identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a verified assertion says about the person, read with the IdP's attribute names. */
final class Claims {
    private Claims() { }

    static Map<String, List<String>> attributes(Assertion assertion) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (AttributeStatement statement : assertion.getAttributeStatements()) {
            for (Attribute a : statement.getAttributes()) {
                List<String> values = out.computeIfAbsent(a.getName(), k -> new ArrayList<>());
                for (XMLObject v : a.getAttributeValues()) {
                    String text = v instanceof XSString s ? s.getValue()
                            : v instanceof XSAny any ? any.getTextContent()
                            : v.getDOM() != null ? v.getDOM().getTextContent() : null;
                    if (text != null && !text.isBlank()) {
                        values.add(text.trim());
                    }
                }
            }
        }
        return out;
    }

    static Identity identity(Assertion assertion, IdpSettings idp) {
        Map<String, List<String>> attrs = attributes(assertion);
        AttributeNames names = idp.attributes();
        String nameId = assertion.getSubject().getNameID().getValue().trim();
        String email = one(attrs, names.email()).orElse(nameId.contains("@") ? nameId : "");
        // only what the IdP asserts: an e-mail's local part is not a username (alice@a.test and alice@b.test differ)
        String username = one(attrs, names.username()).orElse("");
        String given = first(attrs, names.givenName()).orElse("");
        String family = first(attrs, names.familyName()).orElse("");
        String display = first(attrs, names.displayName())
                .orElse(!(given + family).isBlank() ? (given + " " + family).trim()
                        : !username.isEmpty() ? username : !email.isEmpty() ? email : nameId);
        List<String> groups = attrs.getOrDefault(names.groups(), List.of());
        return new Identity(idp.id(), nameId, email, username, display, groups);
    }

    /** The attribute's first value: the one attribute this IdP sends it in. */
    private static Optional<String> one(Map<String, List<String>> attrs, String name) {
        return Optional.ofNullable(attrs.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
    }

    private static Optional<String> first(Map<String, List<String>> attrs, List<String> names) {
        return names.stream().map(attrs::get).filter(v -> v != null && !v.isEmpty()).map(v -> v.get(0)).findFirst();
    }
}
