package org.lungfl.dicom.io;

/**
 * Value representations as their two ASCII characters packed into an int ('O' << 8 | 'B'), so the
 * parser compares ints instead of allocating strings.
 */
final class Vr {
    private Vr() {}

    /** Implicit VR: the dictionary is not consulted, accessors interpret values by the tag they expect. */
    static final int NONE = 0;
    static final int OB = code("OB");
    static final int OW = code("OW");
    static final int SQ = code("SQ");
    static final int UN = code("UN");

    private static final boolean[] KNOWN = new boolean[1 << 16];
    private static final boolean[] LONG_LENGTH = new boolean[1 << 16];

    static {
        for (String vr : "AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV".split(" "))
            KNOWN[code(vr)] = true;
        // PS3.5 Table 7.1-1: these carry 2 reserved bytes and a 32-bit length in explicit VR.
        for (String vr : "OB OD OF OL OV OW SQ SV UC UN UR UT UV".split(" ")) LONG_LENGTH[code(vr)] = true;
    }

    static int code(String vr) {
        return vr.charAt(0) << 8 | vr.charAt(1);
    }

    static boolean known(int code) {
        return KNOWN[code & 0xFFFF];
    }

    static boolean longLength(int code) {
        return LONG_LENGTH[code & 0xFFFF];
    }

    static String name(int code) {
        if (code == NONE) return "implicit";
        char a = (char) (code >>> 8), b = (char) (code & 0xFF);
        return (a >= 0x20 && a < 0x7F && b >= 0x20 && b < 0x7F) ? "" + a + b : String.format("0x%04X", code);
    }
}
