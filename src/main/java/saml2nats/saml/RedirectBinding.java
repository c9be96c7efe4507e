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
