package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.gui.Roi;
import ij.io.RoiDecoder;
import ij.io.RoiEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the packaged ImageJ ({@code target/faceattr/bin/imagej}, built by {@code mvn package})
 * runs {@code macros/detect_faces.ijm} and {@code macros/batch_folder.ijm} in {@code -batch} mode on
 * the sample image, with the real detector.
 *
 * <p>System properties: {@code faceattr.imagej} (launcher, default {@code target/faceattr/bin/imagej}),
 * {@code faceattr.sample} (default {@code sample-data/astronaut.png}), {@code faceattr.it.faces}
 * (faces expected in the sample, default 1; 0 means "at least one"), {@code faceattr.it.timeout}
 * (seconds per ImageJ run, default 600).
 */
class DetectFacesMacroIT {
    private static final List<String> COLUMNS = List.of("image", "face", "x", "y", "width", "height", "score",
            "left_eye_x", "left_eye_y", "right_eye_x", "right_eye_y", "nose_x", "nose_y", "mouth_left_x",
            "mouth_left_y", "mouth_right_x", "mouth_right_y");
    private static final Pattern SUMMARY = Pattern.compile("faceattr: faces=(\\d+) roi_count=(\\d+)");

    private static final Path LAUNCHER = Paths.get(System.getProperty("faceattr.imagej", "target/faceattr/bin/imagej"));
    private static final Path SAMPLE = Paths.get(System.getProperty("faceattr.sample", "sample-data/astronaut.png"));
    private static final int EXPECTED_FACES = Integer.getInteger("faceattr.it.faces", 1);
    private static final long TIMEOUT_S = Long.getLong("faceattr.it.timeout", 600);
    private static final Path MACROS = Paths.get("macros");

    /** The stale face ROI of an earlier run: a re-run without add must remove it. */
    private static final double[] STALE = {400, 20, 10, 10};

    @TempDir
    static Path tmp;
    private static String title;
    private static Run run;
    private static Path out;

    /** One ImageJ run of detect_faces.ijm, shared by the tests of this class. */
    @BeforeAll
    static void runDetectFacesMacro() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER.toAbsolutePath() + " is missing: run mvn package first");
        assertTrue(Files.isRegularFile(SAMPLE), SAMPLE.toAbsolutePath() + " is missing (set -Dfaceattr.sample)");
        title = SAMPLE.getFileName().toString();
        Path rois = tmp.resolve("before.zip");
        writeRoiSet(rois, List.of(foreignRoi(), ownRoiOfOtherImage(), staleOwnRoi()));
        out = tmp.resolve("out dir"); // a space, to exercise [bracketed] values
        run = imagej(MACROS.resolve("detect_faces.ijm"),
                "image=[" + SAMPLE.toAbsolutePath() + "] out=[" + out + "] rois=[" + rois + "]");
    }

    @Test
    void roiManagerCountSeenByTheMacroHasTheFacesAndTheForeignRois() {
        Matcher m = SUMMARY.matcher(run.output);
        assertTrue(m.find(), "no summary line in the output:\n" + run.output);
        int faces = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        assertFaceCount(faces);
        // foreign + other image's face ROI survive, the stale one is replaced by this run's faces
        assertEquals(faces + 2, count, run.output);
    }

    @Test
    void resultsCsvHasTheContractColumns() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"), StandardCharsets.UTF_8);
        assertEquals(String.join(",", COLUMNS), lines.get(0));
        List<Map<String, String>> rows = csvRows(lines);
        assertFaceCount(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> row = rows.get(i);
            assertEquals(title, row.get("image"));
            assertEquals(i + 1, Integer.parseInt(row.get("face")));
            double x = num(row, "x");
            double y = num(row, "y");
            double w = num(row, "width");
            double h = num(row, "height");
            assertTrue(w >= 20 && h >= 20, "box smaller than min_face: " + row);
            assertTrue(x > -w / 2 && y > -h / 2 && x + w / 2 < 512 && y + h / 2 < 512, "box centre outside: " + row);
            double score = num(row, "score");
            assertTrue(score >= 0.7 - 1e-3 && score <= 1, "score " + score);
            for (String c : COLUMNS.subList(7, COLUMNS.size())) {
                double v = num(row, c);
                assertTrue(v >= 0 && v <= 512, c + " = " + v);
            }
        }
    }

    @Test
    void savedRoiSetOpensWithNamesPropertiesAndTheForeignRoi() throws IOException {
        Map<String, Roi> rois = readRoiSet(out.resolve("rois").resolve(baseName(title) + ".zip"));
        Roi foreign = rois.get("mine");
        assertNotNull(foreign, "foreign ROI gone: " + rois.keySet());
        assertEquals("keep", foreign.getProperty("note"));
        assertNull(foreign.getProperty("faceattr"));
        assertNotNull(rois.get("face-1 of other.png"), "another image's face ROI was removed: " + rois.keySet());

        List<Map<String, String>> rows = csvRows(Files.readAllLines(out.resolve("faces.csv"), StandardCharsets.UTF_8));
        int faces = 0;
        for (Map.Entry<String, Roi> e : rois.entrySet()) {
            Roi roi = e.getValue();
            if (!"1".equals(roi.getProperty("faceattr")) || !title.equals(roi.getProperty("faceattr_image"))) {
                continue;
            }
            faces++;
            assertFalse(isStale(roi), "the stale face ROI of an earlier run survived");
            assertEquals("face-" + faces, e.getKey());
            assertEquals(Roi.RECTANGLE, roi.getType());
            double score = Double.parseDouble(roi.getProperty("score"));
            String[] lm = roi.getProperty("landmarks").split(",");
            assertEquals(10, lm.length);
            Map<String, String> row = rows.get(faces - 1);
            assertEquals(num(row, "score"), score, 1e-3);
            assertEquals(num(row, "x"), roi.getFloatBounds().x, 1e-3);
            assertEquals(num(row, "y"), roi.getFloatBounds().y, 1e-3);
            assertEquals(num(row, "width"), roi.getFloatBounds().width, 1e-3);
            assertEquals(num(row, "height"), roi.getFloatBounds().height, 1e-3);
            assertEquals(num(row, "left_eye_x"), Double.parseDouble(lm[0]), 1e-3);
            assertEquals(num(row, "mouth_right_y"), Double.parseDouble(lm[9]), 1e-3);
        }
        assertFaceCount(faces);
        assertEquals(rows.size(), faces);
    }

    @Test
    void batchFolderWritesOneCsvAndOneRoiSetPerImage() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("folder"));
        Files.copy(SAMPLE, in.resolve("a.png"));
        Files.copy(SAMPLE, in.resolve("b.png"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path bout = tmp.resolve("batch");
        Run r = imagej(MACROS.resolve("batch_folder.ijm"), "in=[" + in + "] out=[" + bout + "]");
        assertTrue(r.output.contains("faceattr: done images=2"), r.output);
        for (String name : List.of("a", "b")) {
            List<String> lines = Files.readAllLines(bout.resolve(name + ".csv"), StandardCharsets.UTF_8);
            assertEquals(String.join(",", COLUMNS), lines.get(0));
            assertFaceCount(lines.size() - 1);
            assertTrue(lines.get(1).startsWith(name + ".png,1,"), lines.get(1));
            Map<String, Roi> rois = readRoiSet(bout.resolve("rois").resolve(name + ".zip"));
            assertFaceCount(rois.size());
            assertTrue(rois.containsKey("face-1"), rois.keySet().toString());
        }
    }

    private static void assertFaceCount(int n) {
        if (EXPECTED_FACES > 0) {
            assertEquals(EXPECTED_FACES, n, "faces found in " + SAMPLE);
        } else {
            assertTrue(n >= 1, "no face found in " + SAMPLE);
        }
    }

    private static Roi foreignRoi() {
        Roi r = new Roi(5, 5, 30, 20);
        r.setName("mine");
        r.setProperty("note", "keep");
        return r;
    }

    private static Roi ownRoiOfOtherImage() {
        Roi r = new Roi(50, 50, 40, 40);
        r.setName("face-1 of other.png");
        r.setProperty("faceattr", "1");
        r.setProperty("faceattr_image", "other.png");
        return r;
    }

    private static Roi staleOwnRoi() {
        Roi r = new Roi(STALE[0], STALE[1], STALE[2], STALE[3]);
        r.setName("face-1");
        r.setProperty("faceattr", "1");
        r.setProperty("faceattr_image", title);
        r.setProperty("score", "0.9");
        return r;
    }

    private static boolean isStale(Roi roi) {
        return Math.abs(roi.getFloatBounds().x - STALE[0]) < 1e-6 && Math.abs(roi.getFloatBounds().y - STALE[1]) < 1e-6
                && Math.abs(roi.getFloatBounds().width - STALE[2]) < 1e-6;
    }

    /** Writes a ROI set as ImageJ's ROI Manager does: a zip of .roi files. */
    private static void writeRoiSet(Path zip, List<Roi> rois) throws IOException {
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Roi roi : rois) {
                zos.putNextEntry(new ZipEntry(roi.getName() + ".roi"));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                new RoiEncoder(bytes).write(roi);
                zos.write(bytes.toByteArray());
                zos.closeEntry();
            }
        }
    }

    /** Reads a ROI set with ImageJ's decoder; keys are the entry names less ".roi", in order. */
    static Map<String, Roi> readRoiSet(Path zip) throws IOException {
        Map<String, Roi> out = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(zip); ZipInputStream zis = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zis.getNextEntry()) != null) {
                String name = e.getName().replaceFirst("\\.roi$", "");
                Roi roi = new RoiDecoder(zis.readAllBytes(), e.getName()).getRoi();
                assertNotNull(roi, "undecodable ROI " + e.getName());
                assertEquals(name, roi.getName());
                out.put(name, roi);
            }
        }
        return out;
    }

    static List<Map<String, String>> csvRows(List<String> lines) {
        List<String> header = List.of(lines.get(0).split(","));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            assertEquals(header.size(), cells.length, "cells in " + line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < cells.length; i++) {
                row.put(header.get(i), cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static double num(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static String baseName(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    /** The output of one ImageJ run. */
    record Run(int exitCode, String output) {
    }

    /** Runs {@code imagej -batch <macro> <args>}; fails on a timeout or a non-zero exit. */
    private static Run imagej(Path macro, String args) throws IOException, InterruptedException {
        return imagej(macro, args, tmp);
    }

    /** As {@link #imagej(Path, String)}, with the log written to a given folder (for other ITs). */
    static Run imagej(Path macro, String args, Path logDir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(logDir, "imagej", ".log");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "-batch",
                macro.toAbsolutePath().toString(), args).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            // ImageJ 1.54p shows a modal dialog on a macro error, even with -batch: nothing returns.
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("ImageJ did not finish in " + TIMEOUT_S + " s (a macro error dialog?):\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        if (p.exitValue() != 0) {
            fail("ImageJ exited with " + p.exitValue() + ":\n" + output);
        }
        return new Run(p.exitValue(), output);
    }
}
