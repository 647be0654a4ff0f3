package faceattr.ij2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.cli.Main;
import faceattr.io.Csv;
import ij.IJ;
import ij.ImagePlus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.script.ScriptService;

/**
 * The example scripts of docs/scripting run as Fiji's Script Editor runs them: through SciJava's
 * script service, with their {@code #@} parameters, here on Groovy's JSR-223 engine (Fiji's own
 * language plugins are not on Maven Central). The Jython example runs in {@link FijiBundleIT}.
 */
class ScriptExamplesTest {
    private static final Path SCRIPTS = Path.of("docs/scripting");
    private static Context context;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        context = new Context(ScriptService.class, CommandService.class, ConvertService.class, StatusService.class,
                LogService.class, FaceAnalyzerService.class);
    }

    @AfterAll
    static void stop() {
        context.dispose();
    }

    /** The rows the command itself gives for the astronaut. */
    private static List<?> commandRows(ImagePlus imp) throws Exception {
        CommandModule m = context.service(CommandService.class).run(AnalyzeFacesCommand.class, true, "image", imp,
                "model", "reference").get();
        assertFalse(m.isCanceled(), m.getCancelReason());
        return (List<?>) m.getOutput("rows");
    }

    @Test
    void theGroovyExampleReturnsTheCommandsRows() throws Exception {
        runImageScript("analyze_image.groovy");
    }

    private void runImageScript(String script) throws Exception {
        ImagePlus imp = IJ.openImage("sample-data/astronaut.png");
        List<?> expected = commandRows(imp);
        assertEquals(1, expected.size());
        Module m = context.service(ScriptService.class).run(SCRIPTS.resolve(script).toFile(), true, "imp", imp,
                "model", "reference").get();
        assertFalse(m instanceof org.scijava.Cancelable c && c.isCanceled(), String.valueOf(m));
        List<?> rows = (List<?>) m.getOutput("rows");
        assertNotNull(rows, script + " returned no rows");
        assertEquals(expected, rows);
        assertEquals("astronaut.png", ((Map<?, ?>) rows.get(0)).get("image"), "named by the ImagePlus title");
    }

    @Test
    void theHeadlessFolderExampleWritesTheCliRows() throws Exception {
        File csv = tmp.resolve("faces.csv").toFile();
        Module m = context.service(ScriptService.class).run(SCRIPTS.resolve("analyze_folder.groovy").toFile(), true,
                "folder", new File("sample-data"), "csv", csv, "model", "reference").get();
        assertFalse(m instanceof org.scijava.Cancelable c && c.isCanceled(), String.valueOf(m));
        assertEquals(1, m.getOutput("faces"));
        Path out = tmp.resolve("cli");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(List.of("analyze", "--model", "reference", "--out", out.toString(), "sample-data"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        List<Csv.Row> script = Csv.read(csv.toPath());
        List<Csv.Row> cli = Csv.read(out.resolve("faces.csv"));
        assertEquals(cli.get(0).fields(), script.get(0).fields(), "the faces.csv header");
        assertEquals(cli.size(), script.size());
        for (int r = 1; r < cli.size(); r++) {
            List<String> a = cli.get(r).fields();
            List<String> b = script.get(r).fields();
            for (int c = 0; c < a.size(); c++) {
                String col = cli.get(0).fields().get(c);
                if (col.equals("image")) {
                    assertEquals(Path.of(a.get(c)).toAbsolutePath(), Path.of(b.get(c)).toAbsolutePath());
                } else if (a.get(c).matches("-?[0-9.]+")) {
                    assertEquals(Double.parseDouble(a.get(c)), Double.parseDouble(b.get(c)), 1e-9, col);
                } else {
                    assertEquals(a.get(c), b.get(c), col);
                }
            }
        }
        assertTrue(script.size() > 1);
    }
}
