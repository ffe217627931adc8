package org.lungfl.core.aggregation;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.DoubleSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard normal draws for DP-FedAvg's noise. The uniforms come from AES-128 in counter mode under
 * a fresh key per round (a cryptographically secure stream, fast with AES-NI: java.util.Random's
 * output would let someone who sees enough of it predict the rest, and SecureRandom call by call is
 * slow for a model's worth of draws); the Box–Muller transform turns pairs of 53-bit uniforms into
 * normals. Floating-point sampling is not exactly the continuous Gaussian the DP analysis assumes
 * (docs/aggregation.md says what that means).
 */
public final class GaussianNoise {
    /** Where each round draws its noise. */
    public interface Source {
        /** A new stream of N(0, 1) draws for one round. */
        DoubleSupplier round();
    }

    private GaussianNoise() {}

    /** Keys drawn from the operating system's secure random source: for servers. */
    public static Source secure() {
        SecureRandom keys = new SecureRandom();
        return () -> {
            byte[] key = new byte[16];
            synchronized (keys) {
                keys.nextBytes(key);
            }
            return stream(key);
        };
    }

    /** The same generator under keys derived from {@code seed}: repeatable, for tests only. */
    public static Source seeded(long seed) {
        java.util.SplittableRandom keys = new java.util.SplittableRandom(seed);
        return () -> {
            byte[] key = new byte[16];
            ByteBuffer.wrap(key).putLong(keys.nextLong()).putLong(keys.nextLong());
            return stream(key);
        };
    }

    private static DoubleSupplier stream(byte[] key) {
        Cipher aes;
        try {
            aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is part of every Java SE platform", e);
        }
        return new DoubleSupplier() {
            private final byte[] zeros = new byte[8192];
            private final byte[] keystream = new byte[8192];
            private final ByteBuffer block = ByteBuffer.wrap(keystream).position(8192);
            private double spare = Double.NaN;

            private double uniform() {
                if (!block.hasRemaining()) {
                    try {
                        if (aes.update(zeros, 0, zeros.length, keystream, 0) != keystream.length) throw new IllegalStateException("short AES block");
                    } catch (javax.crypto.ShortBufferException e) {
                        throw new IllegalStateException(e);
                    }
                    block.clear();
                }
                // 53 random bits → (0, 1]: never 0, so the logarithm below is finite.
                return ((block.getLong() >>> 11) + 1) * 0x1.0p-53;
            }

            @Override
            public double getAsDouble() {
                if (!Double.isNaN(spare)) {
                    double s = spare;
                    spare = Double.NaN;
                    return s;
                }
                double r = Math.sqrt(-2 * Math.log(uniform()));
                double t = 2 * Math.PI * uniform();
                spare = r * Math.sin(t);
                return r * Math.cos(t);
            }
        };
    }
}
