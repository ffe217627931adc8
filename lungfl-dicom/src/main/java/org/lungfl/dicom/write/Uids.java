package org.lungfl.dicom.write;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * UIDs under the {@code 2.25} root (PS3.5 §B.2): "2.25." followed by the decimal value of a UUID.
 * LungFL uses name-based UUIDs (RFC 4122 version 3) of a caller-chosen name, so the same name
 * always yields the same UID (synthetic data is reproducible byte for byte) while distinct names
 * give distinct UIDs with UUID-level collision odds. At most 44 characters, within UI's 64.
 */
public final class Uids {
    /** Implementation Class UID in the file meta: LungFL's writer, version 1. */
    public static final String IMPLEMENTATION_CLASS_UID = fromName("org.lungfl.dicom.write/implementation/1");
    public static final String IMPLEMENTATION_VERSION_NAME = "LUNGFL_1";

    private Uids() {}

    /** The UID for {@code name}; callers make names unique, e.g. "synth/seed=7/site-1/patient-3/series". */
    public static String fromName(String name) {
        UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        BigInteger value = new BigInteger(1, toBytes(u));
        return "2.25." + value;
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
