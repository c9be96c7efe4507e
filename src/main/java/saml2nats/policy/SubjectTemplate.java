package saml2nats.policy;

import saml2nats.session.Identity;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subject from the mapping file, possibly with placeholders such as
 * {@code user.{{username}}.>}, checked once at load and filled in at issue time.
 *
 * <p>A filled-in value must stay one subject token whatever the IdP sent. Characters
 * outside {@code [A-Za-z0-9_-@+=~]} become {@code %XX} of their UTF-8 bytes: that keeps
 * {@code a.b>*} from turning into three tokens and a wildcard, and unlike replacing
 * dots with underscores it maps two different people to two different subjects.
 * An empty or overlong value cannot be made safe, so the whole grant is refused.
 *
 * <p>A subject that names a person must name exactly one: a person is unique only as
 * IdP + subject, so a template with {@code {{subject}}}, {@code {{email}}} or
 * {@code {{username}}} must also have {@code {{idp}}}, and every placeholder stands in a
 * token of its own (two in one token run together, and "ab"+"c" equals "a"+"bc").
 */
record SubjectTemplate(String text) {
    static final Set<String> PLACEHOLDERS = Set.of("subject", "email", "username", "idp");
    /** Placeholders that name one person; each is unique only within one IdP, so never without {@code {{idp}}}. */
    static final Set<String> PERSONAL = Set.of("subject", "email", "username");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");
    private static final int MAX_TOKEN = 128;

    /** Thrown at issue time when a value cannot be one token. */
    static final class UnsafeValue extends Exception {
        UnsafeValue(String message) {
            super(message, null, false, false);
        }
    }

    /** Why the text is not a usable subject, or empty when it is. */
    Optional<String> problem() {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return Optional.of("unknown placeholder {{" + m.group(1) + "}} in '" + text
                        + "': use {{subject}}, {{email}}, {{username}} or {{idp}}");
            }
        }
        for (String token : text.split("\\.", -1)) {
            Matcher inToken = PLACEHOLDER.matcher(token);
            int count = 0;
            while (inToken.find()) {
                count++;
            }
            if (count > 1) {
                return Optional.of("'" + text + "' puts two placeholders in the token '" + token + "': the values run "
                        + "together (\"ab\"+\"c\" reads as \"a\"+\"bc\"), so two people could get one subject; give each "
                        + "placeholder a token of its own, as in user.{{idp}}.{{subject}}.>");
            }
        }
        if (personal() && !names().contains("idp")) {
            return Optional.of("'" + text + "' names a person by " + names().stream().filter(PERSONAL::contains)
                    .map(n -> "{{" + n + "}}").toList() + " without {{idp}}: the same name at two IdPs (alice at one, "
                    + "alice at another) would share it; add {{idp}} as a token of its own, as in user.{{idp}}.{{subject}}.>");
        }
        // check the shape with each placeholder standing for one plain token
        String shape = m.reset().replaceAll("x");
        if (shape.contains("{{") || shape.contains("}}")) {
            return Optional.of("unbalanced braces in '" + text + "': placeholders look like {{username}}");
        }
        return subjectProblem(shape).map(p -> "subject '" + text + "' " + p);
    }

    boolean hasPlaceholders() {
        return text.contains("{{");
    }

    /** Whether it names one person (and so must be unique per person across IdPs). */
    boolean personal() {
        return names().stream().anyMatch(PERSONAL::contains);
    }

    private Set<String> names() {
        Set<String> names = new java.util.HashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    String fill(Identity identity) throws UnsafeValue {
        if (!hasPlaceholders()) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String raw = switch (name) {
                case "subject" -> identity.subject();
                case "email" -> identity.email();
                case "username" -> identity.username();
                default -> identity.idp();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(token(name, raw)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** One subject token for the value, or {@link UnsafeValue}. */
    static String token(String name, String raw) throws UnsafeValue {
        if (raw == null || raw.isEmpty()) {
            throw new UnsafeValue("{{" + name + "}} is empty for this person, so the subject would widen");
        }
        StringBuilder out = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '@' || c == '+' || c == '=' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        if (out.length() > MAX_TOKEN) {
            throw new UnsafeValue("{{" + name + "}} is longer than " + MAX_TOKEN + " characters once escaped");
        }
        return out.toString();
    }

    /** NATS subject rules, stated the way a person fixes them. */
    static Optional<String> subjectProblem(String subject) {
        if (subject.isEmpty()) {
            return Optional.of("is empty");
        }
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.isEmpty()) {
                return Optional.of("has an empty token (two dots, or a dot at an end)");
            }
            for (int j = 0; j < t.length(); j++) {
                if (Character.isWhitespace(t.charAt(j)) || Character.isISOControl(t.charAt(j))) {
                    return Optional.of("contains whitespace");
                }
            }
            if (t.equals(">") && i != tokens.length - 1) {
                return Optional.of("has '>' before the last token; '>' matches the rest, so it must come last");
            }
            if (t.length() > 1 && (t.contains("*") || t.contains(">"))) {
                return Optional.of("has a wildcard inside the token '" + t + "'; '*' and '>' must stand alone between dots");
            }
        }
        return Optional.empty();
    }
}
