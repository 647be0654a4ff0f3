package faceattr.ij2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FacesCsv;
import faceattr.cli.Main;
import faceattr.core.RgbImage;
import faceattr.io.Csv;
import faceattr.io.ImageFiles;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.imglib2.FinalInterval;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.view.Views;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogMessage;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

/**
 * The SciJava commands in a bare SciJava context (no ImageJ2, no Fiji), run by class name as a
 * script or pyimagej runs them, on the sample astronaut given as every accepted kind of input: the
 * rows must equal the faces.csv of {@code faceattr detect|analyze} on the same pixels.
 */
class ScijavaCommandsTest {
    private static final Path ASTRONAUT = Path.of("sample-data/astronaut.png");
    private static Context context;
    private static CommandService commands;
    private static final List<LogMessage> LOGGED = new CopyOnWriteArrayList<>();
    private static RgbImage rgb;
    private static RgbImage grey;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        context = new Context(CommandService.class, ConvertService.class, StatusService.class, LogService.class,
                FaceAnalyzerService.class);
        commands = context.service(CommandService.class);
        context.service(LogService.class).addLogListener(LOGGED::add);
        rgb = ImageFiles.read(ASTRONAUT);
        byte[] g = new byte[rgb.width() * rgb.height() * 3];
        byte[] p = rgb.pixels();
        for (int i = 0; i < g.length; i += 3) {
            int v = (int) Math.round(0.299 * (p[i] & 0xff) + 0.587 * (p[i + 1] & 0xff) + 0.114 * (p[i + 2] & 0xff));
            g[i] = g[i + 1] = g[i + 2] = (byte) v;
        }
        grey = new RgbImage(rgb.width(), rgb.height(), g);
    }

    @AfterAll
    static void stop() {
        context.dispose();
    }

    /** The colour inputs: name, interval (or ImagePlus), and the name the rows must carry. */
    private static List<Object[]> colourInputs() {
        int w = rgb.width();
        int h = rgb.height();
        byte[] p = rgb.pixels();
        byte[] planar = new byte[p.length];
        short[] planar16 = new short[p.length];
        float[] interleavedFloat = new float[p.length];
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                int v = p[i * 3 + c] & 0xff;
                planar[c * w * h + i] = (byte) v;
                planar16[c * w * h + i] = (short) (v * 257);
                interleavedFloat[i * 3 + c] = v / 255f;
            }
        }
        ImagePlus composite = new ImagePlus();
        ImageStack stack = new ImageStack(w, h);
        for (int c = 0; c < 3; c++) {
            stack.addSlice(new ByteProcessor(w, h, java.util.Arrays.copyOfRange(planar, c * w * h, (c + 1) * w * h)));
        }
        composite.setStack(stack, 3, 1, 1);
        composite = new CompositeImage(composite, CompositeImage.COMPOSITE);
        composite.setTitle("three-channels");
        return List.of(
                new Object[] {"ARGBType 2D", ArrayImgs.argbs(rgb.toPackedRgb(), w, h), null},
                new Object[] {"uint8 c,x,y (numpy HxWx3 via pyimagej)", ArrayImgs.unsignedBytes(p.clone(), 3, w, h),
                    null},
                new Object[] {"ARGBType 2D view (no array)", Views.translate(ArrayImgs.argbs(rgb.toPackedRgb(), w, h),
                    5, -3), null},
                new Object[] {"uint8 c,x,y view (pyimagej's wrapped numpy array is no ArrayImg either)",
                    Views.translate(ArrayImgs.unsignedBytes(p.clone(), 3, w, h), 1, 2, 3), null},
                new Object[] {"uint8 x,y,c", ArrayImgs.unsignedBytes(planar, w, h, 3), null},
                new Object[] {"uint8 x,y,c translated view", Views.translate(ArrayImgs.unsignedBytes(planar, w, h, 3),
                    -7, 100, 2), null},
                new Object[] {"uint16 x,y,c", ArrayImgs.unsignedShorts(planar16, w, h, 3), null},
                new Object[] {"float32 c,x,y in 0..1 (data range)", ArrayImgs.floats(interleavedFloat, 3, w, h), null},
                new Object[] {"ImagePlus RGB", new ImagePlus("astronaut-rgb", new ColorProcessor(w, h,
                    rgb.toPackedRgb())), "astronaut-rgb"},
                new Object[] {"ImagePlus 3-channel composite", composite, "three-channels"});
    }

    private static List<Object[]> greyInputs() {
        int w = grey.width();
        int h = grey.height();
        byte[] g = new byte[w * h];
        float[] f = new float[w * h];
        for (int i = 0; i < g.length; i++) {
            g[i] = grey.pixels()[i * 3];
            f[i] = (g[i] & 0xff) * 2f - 40f;
        }
        return List.of(
                new Object[] {"uint8 2D", ArrayImgs.unsignedBytes(g, w, h), null},
                new Object[] {"float32 2D (data range)", ArrayImgs.floats(f, w, h), null},
                new Object[] {"ImagePlus 8-bit", new ImagePlus("astronaut-grey", new ByteProcessor(w, h, g.clone())),
                    "astronaut-grey"});
    }

    @Test
    void detectFacesGivesTheCliRowsForEveryAcceptedInput() throws Exception {
        checkAgainstCli(DetectFacesCommand.class, "detect", List.of());
    }

    @Test
    void analyzeFacesGivesTheCliRowsForEveryAcceptedInput() throws Exception {
        checkAgainstCli(AnalyzeFacesCommand.class, "analyze", List.of("model", "reference"));
    }

    private void checkAgainstCli(Class<? extends Command> command, String cli, List<Object> extra) throws Exception {
        // The grey astronaut's extremes are 0 and 255 (checked below), so data-range scaling of the float
        // inputs is exact and every input has the same pixels as the file the CLI reads.
        Path greyPng = tmp.resolve("astronaut-grey.png");
        ImageFiles.writePng(grey, greyPng);
        for (boolean colour : new boolean[] {true, false}) {
            List<Map<String, String>> expected = cliRows(cli, colour ? ASTRONAUT : greyPng);
            // (in grey the CLI also takes a patch of the suit for a face at p = 0.74: the commands must too)
            assertFalse(expected.isEmpty(), "the CLI finds the astronaut");
            for (Object[] input : colour ? colourInputs() : greyInputs()) {
                List<Object> args = new ArrayList<>(List.of("image", input[1]));
                args.addAll(extra);
                CommandModule m = commands.run(command, true, args.toArray()).get();
                assertFalse(m.isCanceled(), input[0] + ": " + m.getCancelReason());
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> rows = (List<Map<String, Object>>) m.getOutput("rows");
                assertNotNull(rows, (String) input[0]);
                assertEquals(expected.size(), rows.size(), input[0] + ": " + rows);
                for (int k = 0; k < rows.size(); k++) {
                    assertRowEquals(expected.get(k), rows.get(k), (String) input[0], (String) input[2]);
                }
            }
        }
    }

    private static void assertRowEquals(Map<String, String> cli, Map<String, Object> row, String what, String name) {
        assertEquals(new ArrayList<>(cli.keySet()), new ArrayList<>(row.keySet()), what + ": the faces.csv columns");
        for (Map.Entry<String, String> e : cli.entrySet()) {
            String column = e.getKey();
            Object v = row.get(column);
            if (column.equals("image")) {
                assertEquals(name, v, what);
            } else if (e.getValue().isEmpty()) {
                assertNull(v, what + " " + column);
            } else if (FacesCsv.TEXT_COLUMNS.contains(column)) {
                assertEquals(e.getValue(), v, what + " " + column);
            } else if (column.equals("face")) {
                assertEquals(Integer.valueOf(e.getValue()), v, what + " " + column);
            } else {
                assertTrue(v instanceof Double, what + " " + column + " is a Double: " + v);
                assertEquals(Double.parseDouble(e.getValue()), (Double) v, 1e-3, what + " " + column);
            }
        }
    }

    private static List<Map<String, String>> cliRows(String command, Path image) throws Exception {
        Path out = Files.createTempDirectory(tmp, command);
        List<String> args = new ArrayList<>(List.of(command, "--out", out.toString()));
        if (command.equals("analyze")) {
            args.addAll(List.of("--model", "reference"));
        }
        args.add(image.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        List<Csv.Row> csv = Csv.read(out.resolve("faces.csv"));
        List<String> header = csv.get(0).fields();
        List<Map<String, String>> rows = new ArrayList<>();
        for (Csv.Row r : csv.subList(1, csv.size())) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                m.put(header.get(c), r.fields().get(c));
            }
            rows.add(m);
        }
        return rows;
    }

    @Test
    void theGreyAstronautSpansTheWholeByteRange() {
        int min = 255;
        int max = 0;
        for (int i = 0; i < grey.pixels().length; i += 3) {
            min = Math.min(min, grey.pixels()[i] & 0xff);
            max = Math.max(max, grey.pixels()[i] & 0xff);
        }
        assertEquals(0, min, "the float inputs' data-range scaling is exact only then");
        assertEquals(255, max);
        int cmin = 255;
        int cmax = 0;
        for (byte b : rgb.pixels()) {
            cmin = Math.min(cmin, b & 0xff);
            cmax = Math.max(cmax, b & 0xff);
        }
        assertEquals(0, cmin);
        assertEquals(255, cmax);
    }

    @Test
    void refusedImagesGiveAClearErrorAndNoStackTrace() throws Exception {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("a 4D UnsignedByteType image of size [64, 64, 3, 2]", ArrayImgs.unsignedBytes(64, 64, 3, 2));
        bad.put("a 3D UnsignedByteType image of size [64, 64, 2]", ArrayImgs.unsignedBytes(64, 64, 2));
        bad.put("the image is empty (a 2D UnsignedByteType image of size [0, 64])", Views.interval(
                ArrayImgs.unsignedBytes(64, 64), new FinalInterval(new long[] {0, 0}, new long[] {-1, 63})));
        bad.put("a 2D ComplexFloatType image of size [64, 64]", ArrayImgs.complexFloats(64, 64));
        for (Map.Entry<String, Object> e : bad.entrySet()) {
            LOGGED.clear();
            CommandModule m = commands.run(AnalyzeFacesCommand.class, true, "image", e.getValue(), "model",
                    "reference").get();
            assertTrue(m.isCanceled(), e.getKey());
            String reason = m.getCancelReason();
            assertTrue(reason.startsWith("Analyze Faces: "), reason);
            assertTrue(reason.contains(e.getKey()), reason);
            assertTrue(reason.contains(IntervalImages.ACCEPTED), "says what is accepted: " + reason);
            assertNull(m.getOutput("rows"));
            assertTrue(LOGGED.stream().anyMatch(l -> l.text().equals(reason)), "logged for headless runs: " + LOGGED);
            for (LogMessage l : LOGGED) {
                assertNull(l.throwable(), "no stack trace: " + l.text());
            }
        }
        // Something that is no image at all: SciJava's own conversion says so before the command runs.
        LOGGED.clear();
        CommandModule m = commands.run(AnalyzeFacesCommand.class, true, "image", "not an image").get();
        assertTrue(m.isCanceled());
        assertEquals("'image' is required but unset.", m.getCancelReason());
        assertTrue(LOGGED.stream().anyMatch(l -> l.text().contains("incompatible object java.lang.String")), "" + LOGGED);
        assertTrue(LOGGED.stream().allMatch(l -> l.throwable() == null), "no stack trace");
        m = commands.run(DetectFacesCommand.class, true, "image", ArrayImgs.unsignedBytes(64, 64),
                "minFace", 5).get();
        assertTrue(m.isCanceled());
        assertEquals("Detect Faces: minFace must be at least 12 pixels (P-Net's window), got 5.0", m.getCancelReason());
        m = commands.run(AnalyzeFacesCommand.class, true, "image", ArrayImgs.unsignedBytes(64, 64),
                "model", tmp.resolve("no-such-model").toString()).get();
        assertTrue(m.isCanceled());
        assertTrue(m.getCancelReason().contains("no-such-model"), m.getCancelReason());
    }

    @Test
    void inputsAreNotPersistedSoAnOmittedInputTakesItsDefault() throws Exception {
        for (Class<? extends Command> c : List.of(DetectFacesCommand.class, AnalyzeFacesCommand.class)) {
            CommandInfo info = commands.getCommand(c);
            List<String> inputs = new ArrayList<>();
            for (ModuleItem<?> item : info.inputs()) {
                if (!Service.class.isAssignableFrom(item.getType()) && item.getType() != Context.class) {
                    inputs.add(item.getName());
                    assertFalse(item.isPersisted(), c.getSimpleName() + "." + item.getName() + " is persisted");
                }
            }
            assertTrue(inputs.containsAll(List.of("image", "minFace", "threshold")), inputs.toString());
            assertEquals(c == AnalyzeFacesCommand.class, inputs.contains("model"), inputs.toString());
            assertTrue(info.canRunHeadless(), c + " is headless");
            assertNull(info.getMenuPath().isEmpty() ? null : info.getMenuPath(), "no menu entry: " + c);
        }
        RandomAccessibleInterval<?> img = ArrayImgs.argbs(rgb.toPackedRgb(), rgb.width(), rgb.height());
        CommandModule big = commands.run(DetectFacesCommand.class, true, "image", img, "minFace", 400).get();
        assertEquals(List.of(), big.getOutput("rows"), "the astronaut's face is ~90 px: none at minFace 400");
        CommandModule again = commands.run(DetectFacesCommand.class, true, "image", img).get();
        assertEquals(1, ((List<?>) again.getOutput("rows")).size(), "minFace back at its default, 20");
    }

    @Test
    void theServiceKeepsOneAnalyzerForRepeatedCalls() throws Exception {
        FaceAnalyzerService service = context.service(FaceAnalyzerService.class);
        RandomAccessibleInterval<?> img = ArrayImgs.argbs(rgb.toPackedRgb(), rgb.width(), rgb.height());
        commands.run(DetectFacesCommand.class, true, "image", img, "threshold", 0.8).get();
        int loads = service.loads();
        for (int i = 0; i < 3; i++) {
            commands.run(DetectFacesCommand.class, true, "image", img, "threshold", 0.8).get();
        }
        assertEquals(loads, service.loads(), "same settings: no new load");
        commands.run(DetectFacesCommand.class, true, "image", img, "threshold", 0.9).get();
        assertEquals(loads + 1, service.loads(), "other settings: a new analyzer");
    }

    @Test
    void withPostprocessingInAFullContextTheRowsOpenOneQuietDisplayNotOnePerValue() throws Exception {
        List<LogMessage> logged = new CopyOnWriteArrayList<>();
        try (Context full = new Context()) {
            full.service(LogService.class).addLogListener(logged::add);
            CommandModule m = full.service(CommandService.class).run(AnalyzeFacesCommand.class, true, "image",
                    ArrayImgs.argbs(rgb.toPackedRgb(), rgb.width(), rgb.height()), "model", "reference").get();
            assertFalse(m.isCanceled(), m.getCancelReason());
            assertTrue(m.getOutput("rows") instanceof FaceRows);
            List<org.scijava.display.Display<?>> displays = full.service(org.scijava.display.DisplayService.class)
                    .getDisplays();
            assertEquals(1, displays.size(), "displays: " + displays);
            assertTrue(displays.get(0) instanceof FaceRowsDisplay, displays.toString());
            assertTrue(logged.stream().noneMatch(l -> l.text().contains("unsupported output")), logged.toString());
        }
    }

    @Test
    void theConverterWrapsThePlaneOnDisplayWithoutCopying() {
        ImageStack stack = new ImageStack(8, 6);
        for (int z = 0; z < 3; z++) {
            stack.addSlice(new ByteProcessor(8, 6));
        }
        ImagePlus imp = new ImagePlus("stack", stack);
        imp.setSlice(2);
        NamedInterval<?> wrapped = ImagePlusToIntervalConverter.wrap(imp);
        assertEquals("stack", wrapped.getName());
        assertEquals(List.of(8L, 6L), List.of(wrapped.dimension(0), wrapped.dimension(1)));
        assertEquals(2, wrapped.numDimensions());
        ((byte[]) stack.getPixels(2))[8 * 2 + 3] = 77;
        RgbImage seen = IntervalImages.toRgb(wrapped);
        assertEquals(77, seen.rgbAt(3, 2) & 0xff, "slice 2's pixel, read through the wrapper");
        Object viaService = context.service(ConvertService.class).convert(imp, RandomAccessibleInterval.class);
        assertTrue(viaService instanceof NamedInterval<?>, "the ConvertService finds our converter: " + viaService);
    }
}
