package faceattr.ij2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonStreamParser;
import faceattr.cli.Main;
import faceattr.io.Csv;
import faceattr.testing.ExternalTools;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built Fiji bundle (target/faceattr/fiji) as ImageJ2 sees it: the plugin index in the jar, no
 * second copy of what Fiji ships, and the commands run by class name in a JVM whose class path is
 * the bundle plus Fiji's own ImageJ 1, SciJava Common, parsington and ImgLib2.
 */
class FijiBundleIT {
    private static final List<String> FIJI_SHIPS = List.of("ij-", "scijava-common-", "parsington-", "imglib2-");
    private static Path home;
    private static Path pluginJar;
    @TempDir
    Path tmp;

    @BeforeAll
    static void locate() throws Exception {
        home = Path.of(System.getProperty("faceattr.home", "target/faceattr")).toAbsolutePath();
        try (Stream<Path> s = Files.list(home.resolve("fiji/plugins"))) {
            pluginJar = s.filter(p -> p.getFileName().toString().startsWith("Face_Attributes")).findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void theJarsPluginIndexListsTheHeadlessCommandsWithoutMenus() throws Exception {
        Map<String, JsonObject> plugins = new TreeMap<>();
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            var entry = jar.getEntry("META-INF/json/org.scijava.plugin.Plugin");
            assertTrue(entry != null, "no SciJava plugin index in " + pluginJar);
            JsonStreamParser parser = new JsonStreamParser(new InputStreamReader(jar.getInputStream(entry),
                    StandardCharsets.UTF_8));
            while (parser.hasNext()) {
                JsonObject o = parser.next().getAsJsonObject();
                plugins.put(o.get("class").getAsString(), o.getAsJsonObject("values"));
            }
        }
        for (String c : List.of("DetectFacesCommand", "AnalyzeFacesCommand", "TrainFaceModelCommand",
                "EvaluateFaceModelCommand")) {
            JsonObject v = plugins.get("faceattr.ij2." + c);
            assertTrue(v != null, c + " not indexed: " + plugins.keySet());
            assertEquals("org.scijava.command.Command", v.get("type").getAsString());
            assertTrue(v.get("headless").getAsBoolean(), c + " headless");
            assertFalse(v.has("menuPath") || v.has("menu"), c + " has a menu entry: " + v);
        }
        assertEquals("org.scijava.convert.Converter",
                plugins.get("faceattr.ij2.ImagePlusToIntervalConverter").get("type").getAsString());
        assertEquals("org.scijava.service.Service",
                plugins.get("faceattr.ij2.FaceAnalyzerService").get("type").getAsString());
        assertEquals("org.scijava.display.Display",
                plugins.get("faceattr.ij2.FaceRowsDisplay").get("type").getAsString());
        assertEquals(7, plugins.size(), "only our plugins (no test plugins): " + plugins.keySet());
    }

    @Test
    void theBundleHoldsNoSecondCopyOfWhatFijiShips() throws Exception {
        for (String dir : List.of("fiji/jars", "fiji/plugins", "imagej/plugins/jars")) {
            try (Stream<Path> s = Files.list(home.resolve(dir))) {
                List<String> copies = s.map(p -> p.getFileName().toString())
                        .filter(n -> FIJI_SHIPS.stream().anyMatch(n::startsWith)).toList();
                assertEquals(List.of(), copies, dir);
            }
        }
        try (Stream<Path> s = Files.list(home.resolve("lib"))) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("scijava")
                    || n.startsWith("imglib2") || n.startsWith("parsington")).toList(), "the CLI's class path");
        }
    }

    @Test
    void theCommandsRunByNameOnTheBundlePlusWhatFijiShips() throws Exception {
        Path image = Path.of("sample-data/astronaut.png").toAbsolutePath();
        String output = runDriver("FijiLikeRun.java", fijiClassPath(), image.toString());
        // The same face as the CLI's, with the same attributes.
        Path out = tmp.resolve("cli");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(List.of("analyze", "--model", "reference", "--out", out.toString(), image.toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        List<Csv.Row> csv = Csv.read(out.resolve("faces.csv"));
        List<String> header = csv.get(0).fields();
        List<String> face = csv.get(1).fields();
        String detect = output.lines().filter(l -> l.startsWith("faceattr.ij2.DetectFacesCommand row "))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        String analyze = output.lines().filter(l -> l.startsWith("faceattr.ij2.AnalyzeFacesCommand row "))
                .findFirst().orElseThrow(() -> new AssertionError(output));
        assertTrue(detect.contains("image=astronaut.png, face=1, x=" + Double.parseDouble(face.get(2))), detect);
        for (String column : List.of("x", "y", "width", "age", "age_group", "gender", "emotion", "model")) {
            String v = face.get(header.indexOf(column));
            String expected = column + "=" + (v.matches("[0-9.]+") ? String.valueOf(Double.parseDouble(v)) : v);
            assertTrue(analyze.contains(expected), expected + " in " + analyze);
        }
        assertTrue(analyze.contains("race=null, race_p=null"), analyze);
    }

    @Test
    void theJythonExampleRunsOnTheBundlePlusWhatFijiShips() throws Exception {
        List<String> cp = fijiClassPath();
        try (Stream<Path> s = Files.list(Path.of("target/it-tools"))) {
            cp.add(s.filter(p -> p.getFileName().toString().startsWith("jython-standalone")).findFirst()
                    .orElseThrow().toAbsolutePath().toString());
        }
        String output = runDriver("FijiLikeJython.java", cp, Path.of("docs/scripting/analyze_image.py").toAbsolutePath()
                .toString(), Path.of("sample-data/astronaut.png").toAbsolutePath().toString());
        assertTrue(output.contains("face 1 at (178, 60): age 31, female, happiness"), "the script's print:\n" + output);
        assertTrue(output.contains("JYTHON_ROW {image=astronaut.png, face=1, x=178.19"), output);
    }

    /** The bundle's jars and what Fiji ships, as a class path. */
    private static List<String> fijiClassPath() throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(pluginJar.toString());
        try (Stream<Path> s = Files.list(home.resolve("fiji/jars"))) {
            s.sorted().forEach(p -> cp.add(p.toString()));
        }
        for (Class<?> c : List.of(ij.ImagePlus.class, org.scijava.Context.class,
                org.scijava.parsington.ExpressionParser.class, net.imglib2.RandomAccessibleInterval.class)) {
            cp.add(jarOf(c).toString());
        }
        return cp;
    }

    /** Runs a single-file driver from this package's resources; returns its output, asserting exit 0. */
    private String runDriver(String driver, List<String> cp, String... args) throws Exception {
        Path source = tmp.resolve(driver);
        try (var in = FijiBundleIT.class.getResourceAsStream(driver)) {
            Files.copy(in, source);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), source.toString()));
        cmd.addAll(List.of(args));
        Path log = tmp.resolve(driver + ".log");
        int code = ExternalTools.exec(cmd, tmp, log, false, 300, env -> { });
        String output = Files.readString(log);
        assertEquals(0, code, output);
        assertFalse(output.contains("ai.djl") || output.contains("WARN"), "library logs on the console:\n" + output);
        return output;
    }

    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
