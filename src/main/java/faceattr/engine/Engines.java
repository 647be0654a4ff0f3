package faceattr.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import faceattr.core.FaceAttrException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The one place that sets DJL up: offline mode, the engine choice, and the context class loader.
 *
 * <p>DJL discovers engines with {@link java.util.ServiceLoader} on the thread's context class
 * loader. Inside Fiji (and ImageJ's plugin class loader) that loader is often not the one that
 * loaded DJL, so discovery finds no engine. Every call into DJL that may discover engines goes
 * through {@link #withOwnClassLoader}, which swaps in the loader of this class for the call.
 */
public final class Engines {
    /** The only engine this project uses. */
    public static final String ENGINE = "PyTorch";

    private static volatile Engine engine;

    private Engines() {
    }

    /**
     * Sets DJL's offline switches. Called before anything else touches DJL; idempotent. The
     * PyTorch natives come from the bundled {@code pytorch-native-cpu} jar, so nothing is
     * downloaded; offline mode turns any attempt to download into an error instead.
     */
    public static void configureOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("ai.djl.default_engine", ENGINE);
        // Avoid DJL's usage telemetry thread; it would try to reach the network.
        System.setProperty("OPT_OUT_TRACKING", "true");
        // Before libtorch starts its threads: glibc's settings for it where jemalloc is not preloaded.
        NativeHeap.tune();
        configureNatives();
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        // DJL's start-up lines (no CUDA driver, platform found, thread counts) are not for users of
        // Fiji, its scripts or pyimagej: errors only, where slf4j-simple is the logger and nobody
        // chose a level (the CLI's --verbose sets the default level, and then this is left alone).
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null
                && System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
    }

    /** DJL's flavour name of the CUDA build whose JNI library pytorch-jni 2.7.1-0.36.0 bundles. */
    public static final String CUDA_FLAVOR = "cu128";

    /**
     * Chooses the PyTorch natives before DJL loads them (docs/gpu.md). DJL takes, in this order,
     * the libtorch named by {@code PYTORCH_LIBRARY_PATH} and else the bundled CPU natives. When the
     * user set no path, the CUDA natives that {@code faceattr engine install gpu} put in DJL's cache
     * are used on a machine whose driver lists a GPU. With a path, DJL must also be told the flavour
     * of its JNI library, which it otherwise guesses as {@code cpu-precxx11} or
     * {@code cu<driver version>}, names the bundled pytorch-jni jar does not have: a libtorch with
     * {@code libtorch_cuda} gets {@value #CUDA_FLAVOR}, any other {@code cpu}. A flavour the user
     * set is kept.
     */
    static void configureNatives() {
        String path = libraryPath();
        if (path == null) {
            Path installed = NativesInstaller.installedDir();
            if (Files.isRegularFile(installed.resolve(System.mapLibraryName("torch")))
                    && !Accelerators.cudaDevices().isEmpty()) {
                path = installed.toString();
                System.setProperty("PYTORCH_LIBRARY_PATH", path);
            }
        }
        if (path != null && ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR") == null) {
            boolean cuda = false;
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path d = Path.of(dir);
                cuda |= Files.isRegularFile(Files.isDirectory(d) ? d.resolve(System.mapLibraryName("torch_cuda"))
                        : d.resolveSibling(System.mapLibraryName("torch_cuda")));
            }
            System.setProperty("PYTORCH_FLAVOR", cuda ? CUDA_FLAVOR : "cpu");
        }
    }

    /**
     * @return the libtorch folder the user (environment or system property) or
     *     {@link #configureNatives} chose, or null for the bundled CPU natives
     */
    public static String libraryPath() {
        String p = ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH");
        return p == null || p.isBlank() ? null : p;
    }

    /**
     * Runs {@code call} with the context class loader set to the loader that loaded DJL and this
     * project, then restores the previous one.
     */
    public static <T> T withOwnClassLoader(Callable<T> call) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(Engines.class.getClassLoader());
        try {
            return call.call();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * @return the PyTorch engine, loaded once, offline and with the right class loader
     * @throws FaceAttrException when the natives cannot be loaded
     */
    public static Engine engine() throws FaceAttrException {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (Engines.class) {
            if (engine == null) {
                configureOffline();
                try {
                    engine = withOwnClassLoader(() -> Engine.getEngine(ENGINE));
                } catch (Exception | LinkageError ex) {
                    String path = libraryPath();
                    if (path != null) {
                        throw new FaceAttrException(null, "cannot start the PyTorch engine on the natives of "
                                + "PYTORCH_LIBRARY_PATH=" + path + " (JNI flavour "
                                + ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_FLAVOR") + "): " + ex.getMessage()
                                + ". They must be libtorch " + NativesInstaller.VERSION + ", a CPU or a CUDA 12.8 build "
                                + "(the JNI flavours of the bundled pytorch-jni: cpu, " + CUDA_FLAVOR + "); leave "
                                + "PYTORCH_FLAVOR unset, or unset PYTORCH_LIBRARY_PATH for the bundled CPU natives "
                                + "(docs/gpu.md).", ex);
                    }
                    throw new FaceAttrException(null, "cannot start the PyTorch engine: " + ex.getMessage()
                            + ". The plugin needs the bundled pytorch-native-cpu, pytorch-jni and pytorch-engine jars "
                            + "(Fiji: in jars/; CLI: in lib/). Reinstall the plugin.", ex);
                }
            }
            return engine;
        }
    }

    /**
     * @return a new root NDManager of the engine on the CPU; close it
     * @throws FaceAttrException when the engine cannot start
     */
    public static NDManager newManager() throws FaceAttrException {
        return engine().newBaseManager(Device.cpu());
    }

    /**
     * A manager on a device: everything made from it (parameters, batches, optimizer state) lives
     * there.
     *
     * @param gpu a GPU's number ({@link Accelerators#forTraining}), or -1 for the CPU
     * @return a new base manager; close it
     * @throws FaceAttrException when the engine cannot start
     */
    public static NDManager newManager(int gpu) throws FaceAttrException {
        return engine().newBaseManager(gpu < 0 ? Device.cpu() : Device.gpu(gpu));
    }

    /**
     * Overwrites an array's values with {@code data} (same size, float32) in place, so that views
     * of it see the new values too. Used to load weights into initialised parameters. DJL's
     * {@code NDArray.set(Buffer)} and {@code copyTo} make PyTorch print a deprecation warning
     * ("AutoNonVariableTypeMode is deprecated") that no log setting silences; an in-place
     * multiply by zero and add gives the same values without it. Replacing the tensor
     * ({@code intern}) would leave views made at initialisation on the old values.
     *
     * @param target the array to fill; its values must be finite (freshly initialised)
     * @param data its new values, in row-major order
     * @throws IllegalArgumentException when the sizes differ
     */
    public static void load(ai.djl.ndarray.NDArray target, float[] data) {
        if (target.size() != data.length) {
            throw new IllegalArgumentException(data.length + " values for an array of shape " + target.getShape());
        }
        boolean grad = target.hasGradient();
        if (grad) {
            target.setRequiresGradient(false); // in-place ops on a leaf that requires grad are refused
        }
        try (ai.djl.ndarray.NDArray values = target.getManager().create(data, target.getShape())) {
            target.muli(0).addi(values);
        }
        if (grad) {
            target.setRequiresGradient(true);
        }
    }

    /**
     * Sets the engine's intra-op threads (PyTorch's {@code torch.set_num_threads}).
     *
     * @param threads at least 1
     */
    public static void setThreads(int threads) throws FaceAttrException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    /**
     * @return facts about the engine for {@code faceattr info}: name, version, device, and where
     *     the native libraries came from
     */
    public static Map<String, String> info() throws FaceAttrException {
        Engine e = engine();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("engine", e.getEngineName());
        m.put("engine_version", e.getVersion());
        m.put("djl_version", Engine.getDjlVersion());
        m.put("device", e.defaultDevice().toString());
        m.put("gpus", Integer.toString(e.getGpuCount()));
        m.put("offline", System.getProperty("ai.djl.offline"));
        m.put("natives_jar", libraryPath() != null ? "not used (PYTORCH_LIBRARY_PATH)"
                : locate("native/lib/pytorch.properties"));
        m.put("natives_cache", nativesCache());
        return m;
    }

    private static String locate(String resource) {
        return locate(Engines.class, resource);
    }

    /**
     * @param anchor a class whose loader sees the resource
     * @param resource a resource path
     * @return the jar (or folder) the resource comes from, or "not on the class path"
     */
    static String locate(Class<?> anchor, String resource) {
        URL url = anchor.getClassLoader().getResource(resource);
        if (url == null) {
            return "not on the class path";
        }
        String s = url.toString();
        int bang = s.indexOf("!/");
        return bang > 0 ? s.substring(0, bang).replaceFirst("^jar:", "") : s;
    }

    private static String nativesCache() {
        String cache = libraryPath();
        if (cache != null) {
            return cache;
        }
        String base = System.getProperty("ENGINE_CACHE_DIR", System.getenv("ENGINE_CACHE_DIR"));
        Path dir = base != null ? Path.of(base) : Path.of(System.getProperty("user.home"), ".djl.ai", "pytorch");
        return Files.isDirectory(dir) ? dir.toString() : dir + " (not yet extracted)";
    }
}
