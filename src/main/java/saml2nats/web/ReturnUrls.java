package saml2nats.web;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where a sign-in may send the browser afterwards: this service's own paths, or a URL
 * under one of {@code allowed_return_urls}. Anything else is refused, so the sign-in
 * cannot be used as an open redirect to a phishing page.
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
            URI u = URI.create(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return Optional.empty();
            }
            for (String prefix : allowed) {
                URI p = URI.create(prefix);
                if (p.getScheme().equalsIgnoreCase(u.getScheme()) && p.getHost().equalsIgnoreCase(u.getHost())
                        && p.getPort() == u.getPort() && u.getRawPath() != null
                        && u.getRawPath().startsWith(p.getRawPath() == null ? "" : p.getRawPath())) {
                    return Optional.of(url);
                }
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
