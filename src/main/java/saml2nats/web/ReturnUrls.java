package saml2nats.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a sign-in may send the browser afterwards: this service's own paths, or a URL
 * under one of {@code allowed_return_urls}. Anything else is refused, so the sign-in
 * cannot be used as an open redirect to a phishing page.
 *
 * <p>"Under" means on whole path segments of a clean path: {@code https://c.test/app}
 * allows {@code /app} and {@code /app/streams}, never {@code /application} or
 * {@code /app/../admin} (nor its percent-encoded forms, nor {@code /app/..;/admin}), and a URL with user info
 * ({@code https://c.test@evil.test/}) is refused outright.
 */
record ReturnUrls(List<String> allowed) {

    /** The URL to go to, or empty when it is not allowed. A missing value means "/". */
    Optional<String> check(String url) {
        if (url == null || url.isEmpty()) {
            return Optional.of("/");
        }
        if (url.startsWith("/") && !url.startsWith("//") && !url.contains("\\") && url.chars().noneMatch(Character::isISOControl)) {
            return Optional.of(url);
        }
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null || !cleanPath(u.getRawPath())) {
                return Optional.empty();
            }
            for (String prefix : allowed) {
                URI p = new URI(prefix);
                if (p.getScheme().equalsIgnoreCase(u.getScheme()) && p.getHost().equalsIgnoreCase(u.getHost())
                        && port(p) == port(u) && underPath(u.getRawPath(), p.getRawPath())) {
                    return Optional.of(url);
                }
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** No dot segments, encoded or not, no encoded slashes or backslashes, no control characters. */
    private static boolean cleanPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return true;
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        // ';' opens path parameters, which many back ends strip before resolving dot segments (/app/..;/admin)
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%3b") || rawPath.contains("\\")
                || rawPath.contains(";")) {
            return false;
        }
        String decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return decoded.chars().noneMatch(Character::isISOControl);
    }

    /** {@code path} is {@code prefix} itself or lies below it on a segment boundary. */
    private static boolean underPath(String path, String prefix) {
        String p = path == null || path.isEmpty() ? "/" : path;
        String base = prefix == null || prefix.isEmpty() ? "/" : prefix;
        if (base.endsWith("/")) {
            return p.startsWith(base) || p.equals(base.substring(0, base.length() - 1));
        }
        return p.equals(base) || p.startsWith(base + "/");
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
    }
}
