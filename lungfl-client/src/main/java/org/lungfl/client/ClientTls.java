package org.lungfl.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.lungfl.core.UserFacingException;

/**
 * CA pinning: an SSL context that trusts only the certificates in one PEM file (the federation's
 * own CA, or the server's self-signed certificate), not the JVM's public roots.
 */
public final class ClientTls {
    private ClientTls() {}

    public static SSLContext trusting(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new UserFacingException(caPem + ": no certificate in this PEM file (--ca)");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) ks.setCertificateEntry("ca" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UserFacingException(caPem + ": cannot read CA file (--ca): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new UserFacingException(caPem + ": not a PEM certificate (--ca): " + e.getMessage(), e);
        }
    }
}
