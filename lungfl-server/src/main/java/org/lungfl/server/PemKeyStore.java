package org.lungfl.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lungfl.core.UserFacingException;

/** A certificate chain and an unencrypted PKCS#8 private key from PEM files, as an in-memory KeyStore. */
final class PemKeyStore {
    static final char[] PASSWORD = "lungfl".toCharArray();
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemKeyStore() {}

    static KeyStore load(Path certFile, Path keyFile) {
        try {
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certFile)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (GeneralSecurityException e) {
                throw new UserFacingException(certFile + ": not a PEM certificate (chain): " + e.getMessage());
            }
            if (chain.isEmpty()) throw new UserFacingException(certFile + ": holds no certificate");
            PrivateKey key = privateKey(keyFile);
            Certificate leaf = chain.iterator().next();
            if (!matches(key, leaf.getPublicKey())) {
                throw new UserFacingException("TLS: the key in " + keyFile + " does not belong to the certificate in " + certFile
                        + " (every handshake would fail); give the key the certificate was issued for");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("lungfl", key, PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException e) {
            throw new UserFacingException("TLS: cannot read " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new UserFacingException("TLS: " + e.getMessage(), e);
        }
    }

    /** Whether the private key pairs with the certificate's public key: a signature one verifies with the other. */
    static boolean matches(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) return false;
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, EdDSA
        };
        byte[] challenge = new byte[32];
        new java.security.SecureRandom().nextBytes(challenge);
        Signature sign = Signature.getInstance(alg);
        sign.initSign(key);
        sign.update(challenge);
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance(alg);
        verify.initVerify(pub);
        verify.update(challenge);
        return verify.verify(sig);
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException {
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.equals("PRIVATE KEY")) {
                if (type.endsWith("PRIVATE KEY")) {
                    throw new UserFacingException(keyFile + ": " + type + " is not supported; convert it with "
                            + "`openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out key.pem` (unencrypted PKCS#8)");
                }
                continue;
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                } catch (GeneralSecurityException ignored) {
                    // try the next algorithm
                }
            }
            throw new UserFacingException(keyFile + ": private key is neither RSA, EC nor Ed25519");
        }
        throw new UserFacingException(keyFile + ": no '-----BEGIN PRIVATE KEY-----' block");
    }
}
