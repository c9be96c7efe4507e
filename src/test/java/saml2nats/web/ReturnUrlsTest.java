package saml2nats.web;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** allowed_return_urls match on whole segments of a clean path, never on a raw string prefix. */
class ReturnUrlsTest {
    final ReturnUrls urls = new ReturnUrls(List.of("https://console.acme.test/app", "https://ops.acme.test/"));

    @Test
    void underAnAllowedUrlOnSegmentBoundaries() {
        for (String ok : List.of("https://console.acme.test/app", "https://console.acme.test/app/",
                "https://console.acme.test/app/streams?x=1#top", "https://console.acme.test:443/app/a",
                "https://ops.acme.test/", "https://ops.acme.test/anything")) {
            assertEquals(Optional.of(ok), urls.check(ok), ok);
        }
    }

    @Test
    void aPrefixOfAWordOrADotSegmentIsNotUnderIt() {
        for (String bad : List.of("https://console.acme.test/application", "https://console.acme.test/appendix",
                "https://console.acme.test/app/../../x", "https://console.acme.test/app/%2e%2e/admin",
                "https://console.acme.test/app/%2E%2E/admin", "https://console.acme.test/app/..%2fadmin",
                "https://console.acme.test/app%2f..%2fadmin", "https://console.acme.test/app/./x", "https://console.acme.test/app/..;/admin", "https://console.acme.test/app/x;y",
                "https://console.acme.test@evil.test/app", "https://console.acme.test.evil.test/app",
                "http://console.acme.test/app", "https://console.acme.test:8443/app", "https://evil.test/app",
                "javascript:alert(1)", "//evil.test/app", "/\\\\evil.test", "https://console.acme.test/app\\\\..\\\\x")) {
            assertTrue(urls.check(bad).isEmpty(), bad);
        }
    }

    @Test
    void ownPathsAndNothing() {
        assertEquals(Optional.of("/"), urls.check(null));
        assertEquals(Optional.of("/cli/login?port=1"), urls.check("/cli/login?port=1"));
    }
}
