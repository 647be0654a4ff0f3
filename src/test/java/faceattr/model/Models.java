package faceattr.model;

import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Helpers shared by the model tests (and, for the thread count, other packages' tests). */
public final class Models {
    private Models() {
    }

    private static int savedThreads;

    /**
     * Runs PyTorch's intra-op work on one thread until {@link #restoreThreads()}. Other engineers'
     * jobs share this machine's two cores; with two OpenMP threads and one core taken, every
     * parallel region waits for the descheduled thread and a 5-second test takes minutes. The
     * results do not depend on the thread count.
     */
    public static void singleThread() throws faceattr.core.FaceAttrException {
        faceattr.engine.Engines.engine();
        savedThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    /** Restores the thread count saved by {@link #singleThread()}. */
    public static void restoreThreads() {
        if (savedThreads > 0) {
            JniUtils.setNumThreads(savedThreads);
        }
    }

    /** @return {trainable parameters, non-trainable values (BatchNorm running statistics)} as DJL counts them */
    static long[] count(Block b) {
        long trainable = 0;
        long buffers = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            long n = p.getValue().getArray().size();
            if (p.getValue().requiresGradient()) {
                trainable += n;
            } else {
                buffers += n;
            }
        }
        return new long[] {trainable, buffers};
    }
}
