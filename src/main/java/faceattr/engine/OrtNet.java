package faceattr.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import faceattr.core.FaceAttrException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One network on ONNX Runtime: the model bytes, and one session per intra-op width, made when a
 * lane of that width first runs it and reused after (one for the narrow lanes, whose single
 * intra-op thread is the caller's own, and one for the wide lane; see {@link Lanes#width()}).
 * Each session has its own thread pool, sized by the lane; no process-wide setting is read or
 * changed, so two analyses in one JVM cannot change each other's threads or results.
 *
 * <p>Sessions run sequentially inside (inter-op 1) with all graph optimisations, and allocate
 * from ONNX Runtime's own arena, so their speed does not depend on the process allocator (glibc
 * malloc inside Fiji). {@link #run} is thread-safe: ONNX Runtime allows concurrent runs of one
 * session. Close it when no run is in progress.
 */
public final class OrtNet implements AutoCloseable {
    /**
     * Whether idle intra-op threads spin; off, so that the wide lane's pool does not take CPU from
     * the narrow lanes and the Java threads between calls (docs/performance.md).
     */
    static final boolean SPIN = Boolean.getBoolean("faceattr.ort.spin");

    private static volatile OrtEnvironment environment;

    private final byte[] model;
    private final String what;
    /** Sessions by (GPU + 1) * 65536 + intra-op width. */
    private final Map<Integer, OrtSession> sessions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private OrtNet(byte[] model, String what) {
        this.model = model;
        this.what = what;
    }

    /**
     * Opens a network and makes its one-thread session, which also checks the graph.
     *
     * @param model a serialised ONNX {@code ModelProto}
     * @param what the network, for messages ("P-Net", "the attribute network of model 'x'")
     * @return the network; close it
     * @throws FaceAttrException when ONNX Runtime cannot load or rejects the graph
     */
    public static OrtNet open(byte[] model, String what) throws FaceAttrException {
        OrtNet net = new OrtNet(model, what);
        net.session(1, -1);
        return net;
    }

    /**
     * @return ONNX Runtime's environment, made once with warnings and errors only, on a thread of
     *     its own with a large stack: ONNX Runtime 1.29 parses the process's command line
     *     ({@code /proc/self/cmdline}) recursively when it starts, about 260 bytes of stack per
     *     character, so a JVM command line over about 4 KB (a long class path: pyimagej, test
     *     runners, scripts that list every jar) overflowed a Java thread's 1 MB stack and killed the
     *     JVM without an error report (measured here: 4000 characters crash at -Xss1m, 30000 pass
     *     at 16 MB). The thread's stack grows with the command line.
     */
    static OrtEnvironment environment() throws FaceAttrException {
        OrtEnvironment e = environment;
        if (e == null) {
            synchronized (OrtNet.class) {
                if (environment == null) {
                    environment = startEnvironment();
                }
                e = environment;
            }
        }
        return e;
    }

    private static OrtEnvironment startEnvironment() throws FaceAttrException {
        Object[] result = new Object[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "faceattr");
            } catch (RuntimeException | LinkageError ex) {
                result[0] = ex;
            }
        }, "faceattr-ort-start", startStackBytes());
        t.setDaemon(true);
        t.start();
        try {
            t.join();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new FaceAttrException("interrupted while ONNX Runtime started");
        }
        if (result[0] instanceof OrtEnvironment env) {
            return env;
        }
        Throwable ex = (Throwable) result[0];
        throw new FaceAttrException("ONNX Runtime could not start on this machine (" + ex.getMessage()
                + "). Run with --engine pytorch, or report the platform.");
    }

    /** 64 MB, or 1 KB per byte of the process's command line when that is more (Linux). */
    static long startStackBytes() {
        long cmdline = 0;
        try {
            cmdline = java.nio.file.Files.size(java.nio.file.Path.of("/proc/self/cmdline"));
            if (cmdline == 0) { // procfs reports size 0; read it
                cmdline = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline")).length;
            }
        } catch (java.io.IOException | RuntimeException ex) {
            // not Linux: the default below
        }
        return Math.max(64L << 20, cmdline << 10);
    }

    /** @return ONNX Runtime's version */
    public static String version() throws FaceAttrException {
        return environment().getVersion();
    }

    private OrtSession session(int threads, int gpu) throws FaceAttrException {
        int key = (gpu + 1) * 65536 + threads;
        OrtSession s = sessions.get(key);
        if (s != null) {
            return s;
        }
        synchronized (sessions) {
            if (closed) {
                throw new IllegalStateException(what + " is closed");
            }
            s = sessions.get(key);
            if (s == null) {
                s = newSession(threads, gpu);
                sessions.put(key, s);
            }
            return s;
        }
    }

    private OrtSession newSession(int threads, int gpu) throws FaceAttrException {
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            if (gpu >= 0) {
                // CUDA first; operators it lacks fall back to the CPU provider added implicitly.
                o.addCUDA(gpu);
            }
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.addConfigEntry("session.intra_op.allow_spinning", SPIN ? "1" : "0");
            return env.createSession(model, o);
        } catch (OrtException e) {
            if (gpu >= 0) {
                throw new FaceAttrException("ONNX Runtime could not put " + what + " on GPU " + gpu + ": "
                        + e.getMessage() + ". Run with --device cpu, or see docs/gpu.md.");
            }
            throw new FaceAttrException("ONNX Runtime rejected " + what + ": " + e.getMessage()
                    + ". Run with --engine pytorch and report this.");
        }
    }

    /**
     * The outputs of one run, in the graph's output order.
     *
     * @param values each output's values, row-major
     * @param shapes each output's shape
     */
    public record Outputs(List<float[]> values, List<long[]> shapes) {
        /** @return output i's values */
        public float[] get(int i) {
            return values.get(i);
        }
    }

    /**
     * Runs the network on one float32 input with the session of the calling lane's width.
     *
     * @param data the input, row-major
     * @param shape its shape
     * @return the outputs
     * @throws IllegalStateException when ONNX Runtime fails (a shape the graph does not accept,
     *     out of memory); the message names the network
     */
    public Outputs run(float[] data, long... shape) {
        OrtSession s;
        try {
            s = session(Lanes.width(), Lanes.gpu());
        } catch (FaceAttrException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        try {
            OrtEnvironment env = environment();
            String input = s.getInputNames().iterator().next();
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
                    OrtSession.Result r = s.run(Map.of(input, x))) {
                List<float[]> values = new ArrayList<>(r.size());
                List<long[]> shapes = new ArrayList<>(r.size());
                for (int i = 0; i < r.size(); i++) {
                    OnnxTensor t = (OnnxTensor) r.get(i);
                    FloatBuffer b = t.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    values.add(v);
                    shapes.add(t.getInfo().getShape());
                }
                return new Outputs(values, shapes);
            }
        } catch (OrtException | FaceAttrException e) {
            throw new IllegalStateException(what + " failed on ONNX Runtime for input "
                    + java.util.Arrays.toString(shape) + ": " + e.getMessage(), e);
        }
    }

    /** @return the intra-op widths of the sessions made so far, ascending (for tests) */
    List<Integer> sessionWidths() {
        return sessions.keySet().stream().map(k -> k % 65536).sorted().toList();
    }

    /** @return the serialised model this network runs */
    public byte[] model() {
        return model.clone();
    }

    @Override
    public void close() {
        synchronized (sessions) {
            closed = true;
            for (OrtSession s : sessions.values()) {
                try {
                    s.close();
                } catch (OrtException e) {
                    // nothing to lose: the session's memory is freed either way
                }
            }
            sessions.clear();
        }
    }
}
