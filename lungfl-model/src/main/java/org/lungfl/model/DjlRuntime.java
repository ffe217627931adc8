package org.lungfl.model;

import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine from the native jars on the classpath, never from the network: the
 * offline switches are set before the engine class loads, whichever launcher started the JVM.
 */
public final class DjlRuntime {
    public static final String ENGINE = "PyTorch";

    private DjlRuntime() {}

    /** The PyTorch engine, started offline; intra-op threads follow {@code ai.djl.pytorch.num_threads}. */
    public static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
        return Engine.getEngine(ENGINE);
    }

    /** Intra-op threads PyTorch uses (what the reference run must be given for a fair comparison). */
    public static int threads() {
        engine();
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }
}
