package faceattr.reference;

import faceattr.testing.ExternalTools;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Runs face-api's pretrained age/gender and expression networks under TensorFlow.js (pure-JS
 * {@code cpu} backend) through the Node harness in {@code src/test/node/faceapi-oracle}, as the
 * reference for the Java reimplementation.
 *
 * <p>The pinned npm dependencies are installed once per lockfile with {@code npm ci
 * --ignore-scripts} into {@code ${FACEATTR_NPM_CACHE:-~/.cache/faceattr/npm}/oracle-<key>/},
 * where {@code <key>} is the first 16 hex digits of the SHA-256 of {@code package-lock.json}.
 * The install happens in a temporary sibling folder that is renamed into place only when complete,
 * so concurrent JVMs never see a half-installed tree (the loser of a race discards its copy).
 * Needs {@code node} and {@code npm} on the PATH and, for the first install, the npm registry.
 */
public final class TfjsOracle {

    /** Face-api's input size for both nets. */
    public static final int SIZE = 112;

    /** Face-api's expression order. */
    public static final List<String> EXPRESSIONS =
            List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");

    private static final String ORACLE_DIR = "src/test/node/faceapi-oracle";
    private static final String COMPLETE_MARKER = ".complete";
    private static final long RUN_TIMEOUT_S = 120;
    private static final long INSTALL_TIMEOUT_S = 900;
    private static final long PROBE_TIMEOUT_S = 60;

    /** Whether node has been found on the PATH in this JVM. */
    private static boolean nodeChecked;

    /**
     * Oracle outputs for a batch of n faces.
     *
     * @param age predicted age in years, one per face
     * @param gender softmax over [male, female], one row per face
     * @param expression softmax over {@link #EXPRESSIONS}, one row per face
     */
    public record Result(float[] age, float[][] gender, float[][] expression) {}

    private TfjsOracle() {}

    /**
     * Runs both nets on a batch of faces.
     *
     * @param modelDir folder with face-api's {@code age_gender_model*} and {@code
     *     face_expression_model*} manifest and .bin files
     * @param nhwc n x 112 x 112 x 3 values, NHWC, RGB, raw pixel values 0..255 (face-api
     *     normalises them itself)
     * @param n batch size
     * @return the outputs, in batch order
     * @throws Exception if node or npm is missing, the install fails, or the oracle fails
     */
    public static Result run(Path modelDir, float[] nhwc, int n) throws Exception {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (nhwc.length != (long) n * SIZE * SIZE * 3) {
            throw new IllegalArgumentException("expected " + n + " x " + SIZE + " x " + SIZE + " x 3 = "
                    + (long) n * SIZE * SIZE * 3 + " values, got " + nhwc.length);
        }
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("model folder not found: " + modelDir.toAbsolutePath());
        }
        Path source = findOracleDir();
        checkNode();
        Path deps = ensureInstalled(source);
        Path script = publishScript(source.resolve("oracle.mjs"), deps);

        Path scratch = Files.createTempDirectory("faceattr-oracle-");
        try {
            Path input = scratch.resolve("input.f32");
            Path output = scratch.resolve("output.json");
            Path log = scratch.resolve("oracle.log");
            writeFloatsLe(input, nhwc);
            // Run from the install folder so that the script's require() finds its node_modules.
            int rc = exec(List.of("node", script.toString(), modelDir.toAbsolutePath().toString(),
                    input.toString(), Integer.toString(n), output.toString()), deps, log, RUN_TIMEOUT_S);
            if (rc != 0) {
                throw new IllegalStateException("faceapi oracle failed (exit " + rc + "):\n" + ExternalTools.tail(log));
            }
            return parse(Files.readString(output), n);
        } finally {
            ExternalTools.deleteTree(scratch);
        }
    }

    /** The oracle's sources, found from the working directory up. */
    static Path findOracleDir() {
        return ExternalTools.findUp(ORACLE_DIR, "oracle.mjs", "package-lock.json");
    }

    /** Returns the install folder for the current lockfile, installing it first if needed. */
    static synchronized Path ensureInstalled(Path source) throws Exception {
        byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
        String key = ExternalTools.sha256Hex(lock).substring(0, 16);
        Path dest = cacheRoot().resolve("oracle-" + key);
        if (Files.isRegularFile(dest.resolve(COMPLETE_MARKER))) {
            return dest;
        }
        probe(npm());
        Files.createDirectories(dest.getParent());
        removeAbandonedInstalls(dest.getParent());
        // Dot-prefixed so it never looks like a finished install.
        Path tmp = Files.createTempDirectory(dest.getParent(), ".oracle-" + key + "-");
        try {
            Files.copy(source.resolve("package.json"), tmp.resolve("package.json"));
            Files.write(tmp.resolve("package-lock.json"), lock);
            Path log = tmp.resolve("npm-ci.log");
            int rc = exec(List.of(npm(), "ci", "--ignore-scripts", "--no-audit", "--no-fund"), tmp, log,
                    INSTALL_TIMEOUT_S);
            if (rc != 0) {
                throw new IllegalStateException("npm ci failed (exit " + rc + ") in " + tmp + ":\n" + ExternalTools.tail(log));
            }
            Path faceApi = tmp.resolve("node_modules/@vladmandic/face-api/dist/face-api.node-wasm.js");
            if (!Files.isRegularFile(faceApi)) {
                throw new IllegalStateException("npm ci succeeded but " + faceApi + " is missing:\n" + ExternalTools.tail(log));
            }
            Files.delete(log);
            Files.writeString(tmp.resolve(COMPLETE_MARKER), key + "\n");
            ExternalTools.publish(tmp, dest, COMPLETE_MARKER);
        } finally {
            ExternalTools.deleteTree(tmp); // no-op once moved
        }
        return dest;
    }

    /**
     * Deletes temporary install folders left by JVMs that died mid-install. Only folders older than
     * twice the install timeout are touched, so a live install in another JVM is never disturbed.
     */
    private static void removeAbandonedInstalls(Path root) throws IOException {
        ExternalTools.removeAbandoned(root, ".oracle-", 2 * INSTALL_TIMEOUT_S * 1000);
    }

    /**
     * Copies the oracle script into the install folder under a content-addressed name, so that
     * its imports resolve against the cached node_modules and an edited script is never stale.
     */
    private static Path publishScript(Path script, Path deps) throws IOException {
        byte[] text = Files.readAllBytes(script);
        Path target = deps.resolve("oracle-" + ExternalTools.sha256Hex(text).substring(0, 16) + ".mjs");
        if (!Files.isRegularFile(target)) {
            Path tmp = Files.createTempFile(deps, ".oracle-", ".mjs.tmp");
            try {
                Files.write(tmp, text);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return target;
    }

    private static Path cacheRoot() {
        String env = System.getenv("FACEATTR_NPM_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "faceattr", "npm");
    }

    private static String npm() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
    }

    private static synchronized void checkNode() throws Exception {
        if (!nodeChecked) {
            probe("node");
            nodeChecked = true;
        }
    }

    /** Fails clearly if a tool is not on the PATH. */
    private static void probe(String tool) throws Exception {
        Path log = Files.createTempFile("faceattr-probe-", ".log");
        try {
            int rc;
            try {
                rc = exec(List.of(tool, "--version"), Path.of("").toAbsolutePath(), log, PROBE_TIMEOUT_S);
            } catch (IOException e) {
                throw new IllegalStateException("'" + tool + "' was not found on the PATH; the faceapi oracle"
                        + " needs it: install nodejs and npm (" + e.getMessage() + ")", e);
            }
            if (rc != 0) {
                throw new IllegalStateException("'" + tool + " --version' failed (exit " + rc
                        + "); install nodejs and npm:\n" + ExternalTools.tail(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void writeFloatsLe(Path file, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        Files.write(file, buf.array());
    }

    static Result parse(String json, int n) {
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        for (String key : List.of("age", "gender", "expression", "backend")) {
            if (!root.has(key)) {
                throw new IllegalStateException("oracle output lacks '" + key + "': " + json);
            }
        }
        String backend = root.get("backend").getAsString();
        if (!backend.equals("cpu")) {
            throw new IllegalStateException("oracle ran on backend '" + backend + "', expected cpu");
        }
        JsonArray ages = root.getAsJsonArray("age");
        if (ages.size() != n) {
            throw new IllegalStateException("oracle returned " + ages.size() + " ages for " + n + " faces");
        }
        float[] age = new float[n];
        for (int i = 0; i < n; i++) {
            age[i] = toFloat(ages.get(i));
        }
        return new Result(age, rows(root.getAsJsonArray("gender"), n, 2, "gender"),
                rows(root.getAsJsonArray("expression"), n, EXPRESSIONS.size(), "expression"));
    }

    private static float[][] rows(JsonArray a, int n, int k, String name) {
        if (a.size() != n) {
            throw new IllegalStateException("oracle returned " + a.size() + " " + name + " rows for " + n + " faces");
        }
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) {
            JsonArray row = a.get(i).getAsJsonArray();
            if (row.size() != k) {
                throw new IllegalStateException(name + " row " + i + " has " + row.size() + " values, expected " + k);
            }
            for (int j = 0; j < k; j++) {
                out[i][j] = toFloat(row.get(j));
            }
        }
        return out;
    }

    // The oracle prints float32 values widened to double exactly, so narrowing recovers them.
    private static float toFloat(JsonElement e) {
        return (float) e.getAsDouble();
    }
    /** {@link ExternalTools#exec} with this oracle's environment. */
    private static int exec(List<String> cmd, Path dir, Path log, long timeoutS) throws Exception {
        return ExternalTools.exec(cmd, dir, log, false, timeoutS, env -> env.put("npm_config_update_notifier", "false"));
    }
}
