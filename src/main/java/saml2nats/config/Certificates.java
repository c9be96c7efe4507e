package saml2nats.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Reads an X.509 certificate the four ways admins paste them: a PEM file path, PEM
 * text, PEM with literal {@code \n} escapes (as env variables and JSON carry it), or
 * the bare one-line base64 that IdP metadata and admin consoles show.
 */
public final class Certificates {
    private Certificates() { }

    /** IllegalArgumentException naming {@code owner} when the text is none of the four forms. */
    public static X509Certificate parse(String text, String owner) {
        String t = text == null ? "" : text.trim();
        try {
            if (isFilePath(t)) {
                t = Files.readString(Path.of(t)).trim();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(owner + ": the certificate file " + t + " cannot be read");
        }
        t = t.replace("\\n", "\n").replace("\\r", "");
        String base64 = t.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw new IllegalArgumentException(owner + ": not a certificate; give a PEM file path, PEM text, "
                    + "PEM with \\n escapes, or the one-line base64 from the IdP's metadata");
        }
    }

    /** A PEM private key from a file: PKCS#8 (BEGIN PRIVATE KEY), PKCS#1 (BEGIN RSA PRIVATE KEY) or SEC1 EC. */
    public static PrivateKey privateKey(Path file, String owner) {
        try (var parser = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(file))) {
            Object pem = parser.readObject();
            var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            if (pem instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (pem instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException(owner + ": " + file + " is not an unencrypted PEM private key "
                + "(BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    }

    /**
     * Whether {@link #parse} reads the text as a file path rather than as the certificate itself; the
     * config loader resolves such entries against the config file's folder, so this is the one rule.
     */
    public static boolean isFilePath(String text) {
        String t = text == null ? "" : text.trim();
        return !t.contains("-----BEGIN") && !t.isEmpty() && !t.contains("\n")
                && (t.startsWith("/") || t.startsWith("./") || t.startsWith("../")
                        || t.endsWith(".pem") || t.endsWith(".crt") || t.endsWith(".cer"));
    }
}
