package saml2nats.scim;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one filter shape IdPs send before they create or update (RFC 7644 3.4.2.2):
 * {@code attribute eq "value"}, as Okta and Entra ID probe with {@code userName eq "..."}
 * and {@code displayName eq "..."}. Anything else is refused as {@code invalidFilter},
 * saying what is taken, rather than answered as if it matched nothing.
 *
 * @param attribute in lower case ({@code username}, {@code emails.value}, ...)
 */
record ScimFilter(String attribute, String value) {
    private static final Pattern EQ = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9.$:_-]*)\\s+(?i:eq)\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

    static final Set<String> USER_ATTRIBUTES = Set.of("username", "externalid", "id", "emails.value", "emails", "displayname");
    static final Set<String> GROUP_ATTRIBUTES = Set.of("displayname", "externalid", "id");

    static Optional<ScimFilter> parse(String text, Set<String> attributes) throws ScimException {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Matcher m = EQ.matcher(text);
        if (!m.matches()) {
            throw new ScimException(ScimError.INVALID_FILTER, "filter '" + text + "' is not supported: this service "
                    + "takes one comparison, attribute eq \"value\" (such as userName eq \"alice@example.com\")");
        }
        String attribute = m.group(1).toLowerCase(Locale.ROOT);
        // a fully qualified name (urn:...:User:userName) names the same attribute
        attribute = attribute.substring(attribute.lastIndexOf(':') + 1);
        if (!attributes.contains(attribute)) {
            throw new ScimException(ScimError.INVALID_FILTER, "filter on '" + m.group(1) + "' is not supported; "
                    + "filter on one of " + attributes);
        }
        return Optional.of(new ScimFilter(attribute, m.group(2).replaceAll("\\\\(.)", "$1")));
    }

    boolean matches(ScimUser u) {
        return switch (attribute) {
            case "username" -> u.userName().equalsIgnoreCase(value); // userName is caseExact false (RFC 7643 4.1.1)
            case "externalid" -> u.externalId().equals(value);
            case "id" -> u.id().equals(value);
            case "displayname" -> u.displayName().equals(value);
            default -> u.emails().stream().anyMatch(e -> e.value().equalsIgnoreCase(value));
        };
    }

    boolean matches(ScimGroup g) {
        return switch (attribute) {
            case "displayname" -> g.displayName().equalsIgnoreCase(value);
            case "externalid" -> g.externalId().equals(value);
            default -> g.id().equals(value);
        };
    }
}
