package saml2nats.testing;

import org.opensaml.saml.saml2.core.AuthnRequest;
import saml2nats.saml.Binding;
import saml2nats.saml.OpenSaml;
import saml2nats.saml.RedirectBinding;
import saml2nats.saml.SigningIdp;
import saml2nats.saml.SpSettings;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser reduced to HTTP: a cookie jar, no redirects followed (tests look at each),
 * and a sign-in through a test IdP that signs real SAML with OpenSAML. For flows where
 * a real Chromium adds nothing but minutes; the end-to-end suite uses one.
 */
public final class HttpBrowser {
    private static final OpenSaml SAML = new OpenSaml();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    /** Cookies by name, as the service set them (paths and expiry aside: a test browser lives for one test). */
    private final Map<String, String> cookies = new java.util.LinkedHashMap<>();

    public HttpBrowser(String base) {
        this.base = base;
    }

    /**
     * Signs in at {@code /saml/{idpId}/login}, answering as the IdP with a signed Response.
     * {@code publicUrl} is the service's public_url (what its AuthnRequests name).
     */
    public HttpBrowser signIn(SigningIdp idp, String idpId, String idpEntity, String publicUrl, String email,
                              List<String> groups) throws Exception {
        HttpResponse<String> acs = post("/saml/" + idpId + "/acs", signedResponse(idp, idpId, idpEntity, publicUrl, email, groups));
        if (acs.statusCode() != 303) {
            throw new AssertionError("sign-in refused: " + acs.body());
        }
        return this;
    }

    /**
     * Signs in as one of the dev IdP's people ({@code dev_idp: true}), as a person clicking
     * through it would, and returns the signed-in page (shown once with the token).
     */
    public HttpResponse<String> signInAtDevIdp(String person) throws Exception {
        HttpResponse<String> acs = postToAcsFromDevIdp(person);
        if (acs.statusCode() != 303) {
            throw new AssertionError("sign-in refused: " + acs.body());
        }
        return get("/");
    }

    /** The ACS's answer to what the dev IdP posts for {@code person}: a redirect when signed in, else the refusal page. */
    public HttpResponse<String> postToAcsFromDevIdp(String person) throws Exception {
        HttpResponse<String> login = get("/saml/dev/login");
        String location = login.headers().firstValue("Location").orElseThrow(() -> new AssertionError(login.body()));
        HttpResponse<String> answer = post("/dev-idp/sso", Map.of("SAMLRequest", query(location, "SAMLRequest"),
                "RelayState", "/", "person", person));
        java.util.regex.Matcher response = java.util.regex.Pattern.compile("name='SAMLResponse' value='([^']+)'")
                .matcher(answer.body());
        if (!response.find()) {
            throw new AssertionError("the dev IdP did not answer: " + answer.body());
        }
        return post("/saml/dev/acs", Map.of("SAMLResponse", response.group(1), "RelayState", "/"));
    }

    /** A sign-in started at {@code /saml/{id}/login}, as the IdP received it, and the page or redirect that carried it. */
    public record Started(AuthnRequest request, String xml, Binding binding, String relayState, HttpResponse<String> carrier) { }

    /**
     * Starts a sign-in: a redirect to the IdP (HTTP-Redirect), or a page whose form posts the
     * AuthnRequest there (HTTP-POST); either way the request as the IdP would read it.
     */
    public Started startSignIn(String idpId) throws Exception {
        HttpResponse<String> start = get("/saml/" + idpId + "/login");
        String xml;
        String relayState;
        Binding binding;
        if (start.statusCode() == 303) {
            String location = start.headers().firstValue("Location").orElseThrow();
            xml = RedirectBinding.inflate(query(location, "SAMLRequest"));
            relayState = Optional.ofNullable(query(location, "RelayState")).orElse("");
            binding = Binding.REDIRECT;
        } else if (start.statusCode() == 200 && start.body().contains("id=saml-post")) {
            xml = new String(Base64.getDecoder().decode(hidden(start.body(), "SAMLRequest")), StandardCharsets.UTF_8);
            relayState = start.body().contains("name='RelayState'") ? hidden(start.body(), "RelayState") : "";
            binding = Binding.POST;
        } else {
            throw new AssertionError("no sign-in started: " + start.statusCode() + "\n" + start.body());
        }
        AuthnRequest request = (AuthnRequest) SAML.unmarshal(SAML.parse(xml).getDocumentElement());
        return new Started(request, xml, binding, relayState, start);
    }

    /** Starts a sign-in and returns the ACS form (SAMLResponse, RelayState) the IdP would post, without posting it. */
    public Map<String, String> signedResponse(SigningIdp idp, String idpId, String idpEntity, String publicUrl, String email,
                                              List<String> groups) throws Exception {
        return signedResponse(idp, idpId, idpEntity, new SpSettings(publicUrl + "/saml/" + idpId + "/metadata",
                publicUrl + "/saml/" + idpId + "/acs", Optional.empty()), email, groups);
    }

    /** The same for an SP whose entity ID and ACS are {@code sp}'s. */
    public Map<String, String> signedResponse(SigningIdp idp, String idpId, String idpEntity, SpSettings sp, String email,
                                              List<String> groups) throws Exception {
        Started started = startSignIn(idpId);
        String user = email.substring(0, email.indexOf('@'));
        String xml = idp.respond(SigningIdp.Spec.forPerson(idpEntity, sp, started.request().getID(), email, Map.of("email", List.of(email),
                "username", List.of(user), "groups", groups, "firstName", List.of(user), "lastName", List.of("Example")),
                Instant.now()));
        return Map.of("SAMLResponse", Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)),
                "RelayState", started.relayState());
    }

    /**
     * The person's side of the CLI loopback flow in this browser: the consent page, then
     * Allow (or Cancel, {@code answer} "deny"), then the CLI's listener.
     */
    /** The CLI consent page as this browser got it, and the response to answering it. */
    public record CliConsent(HttpResponse<String> page, HttpResponse<String> answered) {
        /** Where the answer redirects (the CLI's listener, with the code). */
        public String location() {
            return answered.headers().firstValue("Location").orElseThrow(() ->
                    new AssertionError("no redirect: " + answered.statusCode() + "\n" + answered.body()));
        }

        public String csrf() {
            return hidden(page.body(), "csrf");
        }
    }

    /** Opens the consent page the CLI sent the browser to ({@code url}) and answers it ("allow" or "deny"). */
    public CliConsent answerCli(java.net.URI url, String answer) throws Exception {
        HttpResponse<String> ask = get(url.getRawPath() + "?" + url.getRawQuery());
        if (ask.statusCode() != 200 || !ask.body().contains("Sign in the saml2nats command line?")) {
            throw new AssertionError("no consent page: " + ask.statusCode() + "\n" + ask.body());
        }
        return new CliConsent(ask, post("/cli/login", Map.of("csrf", hidden(ask.body(), "csrf"),
                "request", hidden(ask.body(), "request"), "answer", answer)));
    }

    public saml2nats.cli.Login.Browser approvingCli(String answer) {
        return url -> {
            try {
                String location = answerCli(url, answer).location();
                if (!location.matches("http://127\\.0\\.0\\.1:\\d+/callback\\?.*")) {
                    throw new AssertionError("not sent to the CLI's listener: " + location);
                }
                if (get(location).statusCode() != 200) {
                    throw new AssertionError("the CLI's listener did not take the answer");
                }
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    /** The same browser (same cookie) talking to another replica. */
    public HttpBrowser at(String otherBase) {
        HttpBrowser other = new HttpBrowser(otherBase);
        other.cookies.putAll(cookies);
        return other;
    }

    /** The cookie's value, if this browser holds it. */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    /** Drops every cookie, as a private window would start. */
    public HttpBrowser forgetCookies() {
        cookies.clear();
        return this;
    }

    public HttpResponse<String> get(String pathOrUrl) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl));
        if (!cookies.isEmpty() && !pathOrUrl.startsWith("http")) {
            b.header("Cookie", cookieHeader());
        }
        return keepCookie(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    public HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookieHeader());
        }
        return keepCookie(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private String cookieHeader() {
        StringBuilder h = new StringBuilder();
        cookies.forEach((k, v) -> h.append(h.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return h.toString();
    }

    private HttpResponse<String> keepCookie(HttpResponse<String> r) {
        for (String set : r.headers().allValues("Set-Cookie")) {
            String pair = set.contains(";") ? set.substring(0, set.indexOf(';')) : set;
            String name = pair.substring(0, pair.indexOf('='));
            if (set.contains("Max-Age=0") || pair.endsWith("=")) {
                cookies.remove(name);
            } else {
                cookies.put(name, pair.substring(pair.indexOf('=') + 1));
            }
        }
        return r;
    }

    /** The value of a hidden form field on a page. */
    public static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name='?" + Pattern.quote(name) + "'? value='([^']*)'").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " on the page:\n" + html);
        }
        return m.group(1).replace("&amp;", "&").replace("&#39;", "'");
    }

    public static String query(String url, String name) {
        Matcher m = Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
        return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
    }

}
