package saml2nats.saml;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SAML HTTP-Redirect binding (Bindings 3.4): raw DEFLATE, base64, URL query, and an
 * optional signature over the query string. Inflating is bounded, so a tiny request
 * cannot expand into gigabytes (a "zip bomb").
 */
public final class RedirectBinding {
    public static final int MAX_INFLATED_BYTES = 64 * 1024;
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    private RedirectBinding() { }

    /**
     * The URL that carries {@code xml} to {@code endpoint}.
     *
     * @param parameter {@code SAMLRequest} or {@code SAMLResponse}
     * @param signer    when present, SigAlg and Signature are added (RSA-SHA256)
     */
    public static String url(String endpoint, String parameter, String xml, String relayState, Optional<PrivateKey> signer) {
        StringBuilder query = new StringBuilder(parameter).append('=').append(enc(deflate(xml)));
        if (relayState != null && !relayState.isEmpty()) {
            query.append("&RelayState=").append(enc(relayState));
        }
        if (signer.isPresent()) {
            query.append("&SigAlg=").append(enc(RSA_SHA256));
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(signer.get());
                s.update(query.toString().getBytes(StandardCharsets.US_ASCII));
                query.append("&Signature=").append(enc(Base64.getEncoder().encodeToString(s.sign())));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("could not sign the redirect with the SP key", e);
            }
        }
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query;
    }

    /** The XML in a redirect parameter value (already URL-decoded); IllegalArgumentException when it is not one. */
    public static String inflate(String base64) {
        byte[] deflated;
        try {
            deflated = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the SAML message is not base64");
        }
        Inflater inflater = new Inflater(true);
        inflater.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("the SAML message is not complete DEFLATE data");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new IllegalArgumentException("the SAML message inflates past " + MAX_INFLATED_BYTES + " bytes");
                }
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("the SAML message is not DEFLATE data");
        } finally {
            inflater.end();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Checks the signature of a redirect-bound message against the IdP's certificates,
     * over the parameters exactly as they were URL-encoded in {@code rawQuery} (Bindings 3.4.4.1).
     * IllegalArgumentException says why it is not trusted.
     */
    public static void verify(String rawQuery, String parameter, java.util.List<java.security.cert.X509Certificate> certs) {
        java.util.Map<String, String> raw = new java.util.LinkedHashMap<>();
        for (String pair : (rawQuery == null ? "" : rawQuery).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                raw.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        if (!raw.containsKey(parameter) || !raw.containsKey("SigAlg") || !raw.containsKey("Signature")) {
            throw new IllegalArgumentException("the " + parameter + " is not signed; this service accepts only signed logout messages");
        }
        String sigAlg = java.net.URLDecoder.decode(raw.get("SigAlg"), StandardCharsets.UTF_8);
        String jca = switch (sigAlg) {
            case RSA_SHA256 -> "SHA256withRSA";
            case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" -> "SHA384withRSA";
            case "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" -> "SHA512withRSA";
            case "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("the signature algorithm " + sigAlg + " is not accepted (SHA-256 or stronger)");
        };
        StringBuilder signed = new StringBuilder(parameter).append('=').append(raw.get(parameter));
        if (raw.containsKey("RelayState")) {
            signed.append("&RelayState=").append(raw.get("RelayState"));
        }
        signed.append("&SigAlg=").append(raw.get("SigAlg"));
        byte[] signature;
        try {
            signature = Base64.getMimeDecoder().decode(java.net.URLDecoder.decode(raw.get("Signature"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signature is not base64");
        }
        for (var cert : certs) {
            try {
                Signature s = Signature.getInstance(jca);
                s.initVerify(cert.getPublicKey());
                s.update(signed.toString().getBytes(StandardCharsets.US_ASCII));
                if (s.verify(signature)) {
                    return;
                }
            } catch (java.security.GeneralSecurityException e) {
                // try the next certificate
            }
        }
        throw new IllegalArgumentException("the " + parameter + " signature does not verify with the IdP's certificate(s)");
    }

    /** One parameter of a raw query string, URL-decoded. */
    public static String param(String rawQuery, String name) {
        for (String pair : (rawQuery == null ? "" : rawQuery).split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String deflate(String xml) {
        Deflater deflater = new Deflater(Deflater.DEFLATED, true);
        deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
