package faceattr.model;

import faceattr.testing.ExternalTools;
import faceattr.core.FaceAttrException;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.SafeTensorsWriter;
import faceattr.io.safetensors.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs torchvision's {@code mobilenet_v3_large().features} (PyTorch, CPU, eval mode) through the
 * Python script {@code src/test/python/torchvision-oracle/oracle.py}, as an independent reference
 * for {@link MobileNetV3Large} and {@link ImageNetImport}. Weights and tensors travel as
 * safetensors files.
 *
 * <p><b>Environment.</b> The pinned {@code requirements.txt} beside the script is installed once,
 * with {@code python3 -m venv} and the venv's own {@code pip install -r requirements.txt}, into
 * {@code ${FACEATTR_PY_CACHE:-~/.cache/faceattr/python}/torchvision-<key>/}, where {@code <key>}
 * is the first 16 hex digits of the SHA-256 of the requirements file and the interpreter's
 * version (a venv belongs to one interpreter). pip uses whatever index it is configured with (a
 * machine's local index, or PyPI). The venv is made in a temporary sibling folder, checked by
 * importing torch and torchvision, marked {@code .complete} and only then renamed into place,
 * so concurrent JVMs never see a half-installed one (the loser of a race discards its copy). The
 * interpreter is {@code python3} on the PATH, or {@code $FACEATTR_PYTHON}. A first install takes
 * minutes (torch is hundreds of MB); later runs only start Python (a few seconds each).
 *
 * <p><b>When Python cannot be had.</b> If the interpreter is missing or the venv or the install
 * fails, {@link #installedOrSkipReason()} throws {@link Unavailable}, which fails the test, unless
 * the oracle is declared optional (system property {@value #OPTIONAL_PROPERTY}{@code =true} or
 * environment variable {@value #OPTIONAL_ENV}{@code =true}): then it returns the reason, and the
 * tests skip themselves with it. A failure of the script itself on an installed venv is never skipped.
 */
public final class TorchvisionOracle {
    /** System property that makes a missing Python environment a skip instead of a failure. */
    public static final String OPTIONAL_PROPERTY = "faceattr.torchvisionOracle.optional";
    /** Environment variable with the same meaning as {@link #OPTIONAL_PROPERTY}. */
    public static final String OPTIONAL_ENV = "FACEATTR_TORCHVISION_ORACLE_OPTIONAL";

    private static final String ORACLE_DIR = "src/test/python/torchvision-oracle";
    private static final String COMPLETE_MARKER = ".complete";
    private static final String PREFIX = "torchvision-";
    private static final long RUN_TIMEOUT_S = 300;
    // Where pip reads PyPI, torch's default Linux build pulls several GB of CUDA libraries.
    private static final long INSTALL_TIMEOUT_S = 1800;
    private static final long PROBE_TIMEOUT_S = 60;

    /** The installed venv's interpreter, once found in this JVM. */
    private static Path venvPython;

    /** Python, the venv or the pinned packages could not be installed. */
    public static final class Unavailable extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * torchvision's own seeded random model.
     *
     * @param stateDict its whole state dict ({@code features.*}, {@code classifier.*},
     *     {@code num_batches_tracked}) as written by {@code safetensors.torch.save_file}
     * @param features its features' eval-mode output on each input, by input name
     */
    public record RandomModel(Path stateDict, Map<String, Tensor> features) {}

    private TorchvisionOracle() {}

    /** @return whether a missing Python environment skips the test rather than failing it */
    public static boolean optional() {
        return Boolean.parseBoolean(System.getProperty(OPTIONAL_PROPERTY, "false"))
                || Boolean.parseBoolean(System.getenv().getOrDefault(OPTIONAL_ENV, "false"));
    }

    /**
     * Installs the venv if needed; for a test class's set-up.
     *
     * @return null when the oracle is ready; when it cannot be installed and the oracle is
     *     {@link #optional()}, the reason, for each test to skip with (an assumption failing in a
     *     {@code @BeforeAll} would make the tests vanish from surefire's counts instead)
     * @throws Unavailable when it cannot be installed and the oracle is not optional
     */
    public static String installedOrSkipReason() throws Exception {
        try {
            python();
            return null;
        } catch (Unavailable e) {
            if (!optional()) {
                throw e;
            }
            String reason = "torchvision oracle unavailable, skipped (" + OPTIONAL_PROPERTY + " / " + OPTIONAL_ENV
                    + " is set): " + e.getMessage();
            System.err.println(reason);
            return reason;
        }
    }

    /**
     * Runs torchvision's features with each weights file on every input.
     *
     * @param weights safetensors files with torchvision's {@code features.*} keys (float32);
     *     {@code num_batches_tracked} may be absent, {@code classifier.*} is ignored; every other
     *     features key must be present and no unknown key (strict loading)
     * @param inputs (N, 3, H, W) float32 tensors by name (names without dots)
     * @param threads PyTorch intra-op threads
     * @return for each weights file, its output on each input, by input name
     */
    public static List<Map<String, Tensor>> features(List<Path> weights, Map<String, Tensor> inputs, int threads)
            throws Exception {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no weights file");
        }
        Path python = python();
        Path scratch = Files.createTempDirectory("faceattr-torchvision-");
        try {
            Path in = writeInputs(scratch, inputs);
            Path out = scratch.resolve("out.safetensors");
            List<String> cmd = new ArrayList<>(List.of(python.toString(), script().toString(), "run", "--inputs",
                    in.toString(), "--out", out.toString(), "--threads", Integer.toString(threads)));
            for (Path w : weights) {
                cmd.add(w.toAbsolutePath().toString());
            }
            runScript(cmd, scratch);
            SafeTensorsFile result = SafeTensorsReader.read(out);
            List<Map<String, Tensor>> all = new ArrayList<>();
            for (int j = 0; j < weights.size(); j++) {
                all.add(outputs(result, "w" + j + ".", inputs));
            }
            return all;
        } finally {
            ExternalTools.deleteTree(scratch);
        }
    }

    /**
     * Makes torchvision's own seeded random {@code mobilenet_v3_large} (see {@code randomise} in
     * oracle.py: random BatchNorm statistics and affine parameters, random SE biases) and runs its
     * features on every input.
     *
     * @param seed the seed
     * @param stateOut where to write its state dict
     * @param inputs (N, 3, H, W) float32 tensors by name
     * @param threads PyTorch intra-op threads
     * @return the state dict file and the outputs
     */
    public static RandomModel randomModel(long seed, Path stateOut, Map<String, Tensor> inputs, int threads)
            throws Exception {
        Path python = python();
        Path scratch = Files.createTempDirectory("faceattr-torchvision-");
        try {
            Path in = writeInputs(scratch, inputs);
            Path out = scratch.resolve("out.safetensors");
            runScript(List.of(python.toString(), script().toString(), "random", "--seed", Long.toString(seed),
                    "--state-out", stateOut.toAbsolutePath().toString(), "--inputs", in.toString(), "--out",
                    out.toString(), "--threads", Integer.toString(threads)), scratch);
            return new RandomModel(stateOut, outputs(SafeTensorsReader.read(out), "w0.", inputs));
        } finally {
            ExternalTools.deleteTree(scratch);
        }
    }

    /**
     * What ONNX Runtime for Python computed from a model file, after ONNX's checker accepted it.
     *
     * @param outputs by input name, then by output name in the model's output order
     * @param metadata the model's metadata_props, and the checker's and runtime's versions
     */
    public record OnnxRun(Map<String, Map<String, Tensor>> outputs, Map<String, String> metadata) {}

    /**
     * Checks an ONNX model with {@code onnx.checker.check_model(full_check=True)} and runs it on
     * ONNX Runtime for Python ({@code onnx_check.py}).
     *
     * @param model the model's bytes
     * @param inputs float32 inputs by name (names without dots), in the model's input layout
     * @param threads intra-op threads
     * @return the outputs and metadata
     * @throws IllegalStateException naming the checker's complaint when the model is invalid
     */
    public static OnnxRun onnx(byte[] model, Map<String, Tensor> inputs, int threads) throws Exception {
        Path python = python();
        Path scratch = Files.createTempDirectory("faceattr-onnx-");
        try {
            Path m = scratch.resolve("model.onnx");
            Files.write(m, model);
            Path in = scratch.resolve("inputs.safetensors");
            SafeTensorsWriter.write(in, inputs, Map.of());
            Path out = scratch.resolve("out.safetensors");
            runScript(List.of(python.toString(), findOracleDir().resolve("onnx_check.py").toString(), "--model",
                    m.toString(), "--inputs", in.toString(), "--out", out.toString(), "--threads",
                    Integer.toString(threads)), scratch);
            SafeTensorsFile result = SafeTensorsReader.read(out);
            Map<String, Map<String, Tensor>> all = new LinkedHashMap<>();
            for (String input : inputs.keySet()) {
                Map<String, Tensor> byOutput = new LinkedHashMap<>();
                for (String o : result.metadata().get("outputs").split(",")) {
                    byOutput.put(o, result.tensor(input + "." + o));
                }
                all.put(input, byOutput);
            }
            return new OnnxRun(all, result.metadata());
        } finally {
            ExternalTools.deleteTree(scratch);
        }
    }

    private static Path writeInputs(Path scratch, Map<String, Tensor> inputs) throws FaceAttrException {
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            if (e.getKey().contains(".") || e.getValue().shape().length != 4 || e.getValue().shape()[1] != 3) {
                throw new IllegalArgumentException("input " + e.getKey() + ": need a name without dots and shape"
                        + " (N, 3, H, W)");
            }
        }
        Path in = scratch.resolve("inputs.safetensors");
        SafeTensorsWriter.write(in, inputs, Map.of());
        return in;
    }

    private static Map<String, Tensor> outputs(SafeTensorsFile result, String prefix, Map<String, Tensor> inputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : inputs.keySet()) {
            Tensor t = result.tensors().get(prefix + name);
            if (t == null) {
                throw new IllegalStateException("the oracle's output lacks " + prefix + name + "; it has "
                        + result.names());
            }
            out.put(name, t);
        }
        return out;
    }

    private static void runScript(List<String> cmd, Path scratch) throws Exception {
        Path log = scratch.resolve("oracle.log");
        int rc = exec(cmd, scratch, log, RUN_TIMEOUT_S);
        if (rc != 0) {
            throw new IllegalStateException("torchvision oracle failed (exit " + rc + "): " + String.join(" ", cmd)
                    + "\n" + ExternalTools.tail(log));
        }
    }

    /** The venv's interpreter, installing the venv first if needed. */
    static synchronized Path python() throws Exception {
        if (venvPython == null) {
            Path dest = ensureInstalled(findOracleDir());
            venvPython = venvPython(dest);
        }
        return venvPython;
    }

    static Path script() {
        return findOracleDir().resolve("oracle.py");
    }

    /** The oracle's sources, found from the working directory up. */
    static Path findOracleDir() {
        return ExternalTools.findUp(ORACLE_DIR, "oracle.py", "requirements.txt");
    }

    /** Returns the venv for the current requirements and interpreter, installing it first if needed. */
    static Path ensureInstalled(Path source) throws Exception {
        String basePython = basePython();
        String version = probe(basePython);
        byte[] requirements = Files.readAllBytes(source.resolve("requirements.txt"));
        String key = ExternalTools.sha256Hex(concat(requirements, ("\npython " + version + "\n").getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
        Path dest = cacheRoot().resolve(PREFIX + key);
        if (Files.isRegularFile(dest.resolve(COMPLETE_MARKER))) {
            return dest;
        }
        Files.createDirectories(dest.getParent());
        removeAbandonedInstalls(dest.getParent());
        // Dot-prefixed so it never looks like a finished install.
        Path tmp = Files.createTempDirectory(dest.getParent(), "." + PREFIX + key + "-");
        try {
            Path log = tmp.resolve("install.log");
            Path venv = tmp.resolve("venv");
            int rc = installStep(List.of(basePython, "-m", "venv", venv.toString()), tmp, log, PROBE_TIMEOUT_S * 5);
            if (rc != 0) {
                throw new Unavailable("'" + basePython + " -m venv' failed (exit " + rc + "); on Debian/Ubuntu"
                        + " install python3-venv:\n" + ExternalTools.tail(log), null);
            }
            Files.copy(source.resolve("requirements.txt"), tmp.resolve("requirements.txt"));
            Path py = venvPython(tmp);
            // The venv's own pip, so that the packages land in it; pip's configuration (index,
            // find-links, constraints) is the machine's.
            rc = installStep(List.of(py.toString(), "-m", "pip", "install", "--no-input", "--disable-pip-version-check",
                    "--progress-bar", "off", "-r", tmp.resolve("requirements.txt").toString()), tmp, log,
                    INSTALL_TIMEOUT_S);
            if (rc != 0) {
                throw new Unavailable("pip install -r " + source.resolve("requirements.txt") + " failed (exit " + rc
                        + ") in " + tmp + ":\n" + ExternalTools.tail(log), null);
            }
            rc = installStep(List.of(py.toString(), source.resolve("oracle.py").toString(), "check"), tmp, log,
                    RUN_TIMEOUT_S);
            if (rc != 0) {
                throw new Unavailable("the installed torch/torchvision do not import (oracle.py check, exit " + rc
                        + "):\n" + ExternalTools.tail(log), null);
            }
            Files.delete(log);
            Files.writeString(tmp.resolve(COMPLETE_MARKER), key + "\npython " + version + "\n");
            ExternalTools.publish(tmp, dest, COMPLETE_MARKER);
        } finally {
            ExternalTools.deleteTree(tmp); // no-op once moved
        }
        return dest;
    }

    /** {@link #exec} for the install: a command that cannot start or times out means Unavailable. */
    private static int installStep(List<String> cmd, Path dir, Path log, long timeoutS) throws Exception {
        try {
            return exec(cmd, dir, log, timeoutS);
        } catch (IOException e) {
            throw new Unavailable("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage(), e); // timed out
        }
    }

    /**
     * The venv's interpreter inside an install folder. A venv moved after its creation keeps
     * working when run as {@code bin/python} (it finds {@code pyvenv.cfg} beside itself); only the
     * shebangs of its scripts (pip, ...) name the old folder, and they are never used.
     */
    private static Path venvPython(Path installDir) {
        Path venv = installDir.resolve("venv");
        return ExternalTools.windows() ? venv.resolve("Scripts").resolve("python.exe") : venv.resolve("bin").resolve("python");
    }

    /**
     * Deletes temporary install folders left by JVMs that died mid-install. Only folders older than
     * twice the install timeout are touched, so a live install in another JVM is never disturbed.
     */
    private static void removeAbandonedInstalls(Path root) throws IOException {
        ExternalTools.removeAbandoned(root, "." + PREFIX, 2 * INSTALL_TIMEOUT_S * 1000);
    }

    private static Path cacheRoot() {
        String env = System.getenv("FACEATTR_PY_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "faceattr", "python");
    }

    private static String basePython() {
        String env = System.getenv("FACEATTR_PYTHON");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return ExternalTools.windows() ? "python" : "python3";
    }

    /** @return the interpreter's version, e.g. 3.11.7; Unavailable if it cannot be run */
    private static String probe(String python) throws Exception {
        Path log = Files.createTempFile("faceattr-probe-", ".log");
        try {
            int rc;
            List<String> cmd = List.of(python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])");
            try {
                rc = exec(cmd, Path.of("").toAbsolutePath(), log, PROBE_TIMEOUT_S);
            } catch (IOException e) {
                throw new Unavailable("'" + python + "' was not found on the PATH; the torchvision oracle needs"
                        + " Python 3 with venv and pip (Debian/Ubuntu: apt-get install python3 python3-venv), or"
                        + " FACEATTR_PYTHON naming an interpreter (" + e.getMessage() + ")", e);
            }
            String out = Files.readString(log).strip();
            if (rc != 0 || !out.matches("3\\.\\d+\\.\\d+")) {
                throw new Unavailable("'" + python + "' is not a working Python 3 (exit " + rc + "):\n" + ExternalTools.tail(log),
                        null);
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
    /** {@link ExternalTools#exec} with this oracle's environment. */
    private static int exec(List<String> cmd, Path dir, Path log, long timeoutS) throws Exception {
        return ExternalTools.exec(cmd, dir, log, true, timeoutS, env -> {
            // The oracle is independent of the test JVM's allocator (surefire preloads jemalloc).
            env.remove("LD_PRELOAD");
            env.remove("MALLOC_CONF");
            env.put("PYTHONNOUSERSITE", "1");
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.put("PIP_NO_INPUT", "1");
            env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
            // The machine's cores are shared; the scripts set their intra-op threads themselves.
            env.put("OMP_NUM_THREADS", "1");
            env.put("MKL_NUM_THREADS", "1");
        });
    }
}
