package faceattr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FacesCsv;
import ij.gui.Roi;
import ij.io.RoiDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of the packaged {@code target/faceattr/bin/faceattr} launcher (built by
 * {@code mvn package}) on the bundled sample data.
 */
class CliIT {
    private static Path home;
    private static Path samples;

    @TempDir
    Path tmp;

    @BeforeAll
    static void locate() {
        home = Path.of(System.getProperty("faceattr.home", "target/faceattr")).toAbsolutePath();
        samples = home.resolve("sample-data");
        assertTrue(Files.isExecutable(home.resolve("bin/faceattr")), "run mvn package first: " + home);
    }

    record Run(int code, String out, String err) {
    }

    static Run faceattr(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/faceattr").toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path err = Files.createTempFile("faceattr", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "faceattr timed out");
        String e = Files.readString(err);
        Files.delete(err);
        return new Run(p.exitValue(), out, e);
    }

    @Test
    void detectOnSampleDataWritesCsvRoisAndOverlays() throws Exception {
        Path out = tmp.resolve("results");
        Run r = faceattr("detect", "--overlay", "--out", out.toString(), samples.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"));
        assertEquals(String.join(",", FacesCsv.DETECT_COLUMNS), lines.get(0));
        assertEquals(String.join(",", List.of("image", "face", "x", "y", "width", "height", "score", "left_eye_x",
                "left_eye_y", "right_eye_x", "right_eye_y", "nose_x", "nose_y", "mouth_left_x", "mouth_left_y",
                "mouth_right_x", "mouth_right_y")), lines.get(0), "contracts.md column order");
        assertEquals(2, lines.size(), "astronaut has one face, coffee none:\n" + lines);
        String[] row = lines.get(1).split(",");
        assertTrue(row[0].endsWith("astronaut.png"), row[0]);
        assertEquals("1", row[1]);
        double x = Double.parseDouble(row[2]);
        double y = Double.parseDouble(row[3]);
        double w = Double.parseDouble(row[4]);
        double h = Double.parseDouble(row[5]);
        // The astronaut's face lies roughly in x 170..280, y 50..180 of the 512x512 image.
        assertTrue(x > 150 && x < 200 && y > 40 && y < 90 && w > 60 && w < 130 && h > 70 && h < 150, lines.get(1));
        double leftEyeX = Double.parseDouble(row[7]);
        double rightEyeX = Double.parseDouble(row[9]);
        assertTrue(leftEyeX < rightEyeX && leftEyeX > x && rightEyeX < x + w, lines.get(1));

        List<Roi> rois = readZip(out.resolve("rois/astronaut.zip"));
        assertEquals(1, rois.size());
        assertEquals("face-1", rois.get(0).getName());
        assertEquals(Double.parseDouble(row[6]), Double.parseDouble(rois.get(0).getProperty("score")), 1e-3);
        assertEquals(10, rois.get(0).getProperty("landmarks").split(",").length);
        assertEquals(0, readZip(out.resolve("rois/coffee.zip")).size());

        BufferedImage overlay = ImageIO.read(out.resolve("overlays/astronaut.png").toFile());
        assertEquals(512, overlay.getWidth());
        assertTrue(Files.exists(out.resolve("overlays/coffee.png")));
    }

    @Test
    void analyzeOnSampleDataAddsValidAttributesMatchingTheRois() throws Exception {
        // The README's first command: it prints its result line and nothing else.
        Path out = tmp.resolve("analyzed");
        Run r = faceattr("analyze", "--overlay", "--out", out.toString(), samples.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "no library noise, no per-file lines on a short run");
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("2 images, 1 faces, 0 failed, 1 other file skipped (README.md); results in "),
                r.out());
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"));
        assertEquals(String.join(",", FacesCsv.DETECT_COLUMNS) + ",age,age_group,age_group_p,gender,gender_p,race,"
                + "race_p,emotion,emotion_p,model", lines.get(0), "contracts.md column order");
        assertEquals(2, lines.size(), lines.toString());
        List<String> header = List.of(lines.get(0).split(",", -1));
        String[] row = lines.get(1).split(",", -1);
        assertEquals(header.size(), row.length);
        double age = Double.parseDouble(row[header.indexOf("age")]);
        assertTrue(age > 15 && age < 70, "the astronaut is an adult: " + lines.get(1));
        assertTrue(List.of("male", "female").contains(row[header.indexOf("gender")]), lines.get(1));
        assertTrue(List.of("neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise")
                .contains(row[header.indexOf("emotion")]), lines.get(1));
        assertTrue(faceattr.labels.LabelSpaces.AGE_GROUP.classes().contains(row[header.indexOf("age_group")]),
                lines.get(1));
        for (String p : List.of("age_group_p", "gender_p", "emotion_p")) {
            double v = Double.parseDouble(row[header.indexOf(p)]);
            assertTrue(v >= 0 && v <= 1, p + "=" + v);
        }
        assertEquals("", row[header.indexOf("race")], "the reference estimators have no race output");
        assertEquals("reference", row[header.indexOf("model")]);

        Roi roi = readZip(out.resolve("rois/astronaut.zip")).get(0);
        for (String c : List.of("age", "age_group", "age_group_p", "gender", "gender_p", "emotion", "emotion_p",
                "model")) {
            assertEquals(row[header.indexOf(c)], roi.getProperty(c), "ROI property " + c + " equals the table");
        }
        assertEquals(null, roi.getProperty("race"));
        assertTrue(Files.exists(out.resolve("overlays/astronaut.png")));

        Run bad = faceattr("analyze", "--model", tmp.resolve("no-such-model").toString(), samples.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("no-such-model") && bad.err().contains("reference"), bad.err());
    }

    private static long zips(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".zip")).count();
        }
    }

    @Test
    void anInterruptedRunKeepsTheImagesFinished() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("many"));
        int total = 200; // at about 50 ms per image, some seconds: time to interrupt it midway
        for (int i = 0; i < total; i++) {
            Files.copy(samples.resolve("astronaut.png"), in.resolve(String.format("a%03d.png", i)));
        }
        Path out = tmp.resolve("interrupted");
        Path err = tmp.resolve("interrupted.err");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/faceattr").toString(), "analyze", "--out",
                out.toString(), in.toString());
        pb.redirectError(err.toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        // Each finished image has its ROI set written: interrupt once 16 are done.
        Path rois = out.resolve("rois");
        while (p.isAlive() && System.nanoTime() < deadline
                && zips(rois) < 16) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the run ended before it could be interrupted:\n" + Files.readString(err));
        p.destroy(); // SIGTERM, as a kill or Ctrl+C would
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(err);
        assertTrue(log.contains("interrupted:"), log);
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"));
        assertEquals(String.join(",", FacesCsv.ANALYZE_COLUMNS), lines.get(0));
        int rows = lines.size() - 1;
        assertTrue(rows >= 16 && rows < total, rows + " rows kept");
        // every row kept is complete and belongs to an image whose ROI set was written
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(FacesCsv.ANALYZE_COLUMNS.size(), cells.length, line);
            String name = Path.of(cells[0]).getFileName().toString().replace(".png", ".zip");
            assertTrue(Files.exists(out.resolve("rois").resolve(name)), line);
        }
    }

    @Test
    void trainOnGeneratedDatasetsThenAnalyzeAndInstallTheModel() throws Exception {
        Path raf = tmp.resolve("rafdb");
        faceattr.data.DatasetFixtures.rafdb(raf, List.of(1, 2, 3, 4, 5, 6, 7, 4, 4, 7, 1, 2), List.of(4, 7, 1, 5),
                faceattr.data.DatasetFixtures.GREY);
        Path utk = tmp.resolve("utk");
        faceattr.data.DatasetFixtures.utkface(utk, List.of(new int[] {25, 0, 1}, new int[] {40, 1, 2},
                new int[] {8, 0, 0}, new int[] {61, 1, 3}, new int[] {33, 0, 4}, new int[] {19, 1, 0}),
                faceattr.data.DatasetFixtures.GREY);
        Path model = tmp.resolve("my-model");
        Run train = faceattr("train", "--data", "rafdb:" + raf, "--data", "utkface:" + utk, "--out", model.toString(),
                "--epochs", "2", "--batch", "4", "--bn-momentum", "0.1", "--threads", "1");
        assertEquals(0, train.code(), train.out() + train.err());
        assertTrue(train.out().contains("1 skipped: aligned image missing (e.g. Image/aligned/train_99999_aligned.jpg)"),
                train.out());
        assertTrue(train.out().contains("3 skipped: no race field in the file name"), train.out());
        assertTrue(train.out().contains("epoch 2/2: val_loss="), train.out());
        assertTrue(Files.exists(model.resolve("model.json")) && Files.exists(model.resolve("parameters.safetensors")));
        String card = Files.readString(model.resolve("model.json"));
        assertTrue(card.contains("\"split_seed\"") && card.contains("\"val_fraction\""), "the card records the split");
        Path history = model.resolveSibling("my-model.training").resolve("history.csv");
        assertEquals(3, Files.readAllLines(history).size(), "header and one line per epoch");

        Path out = tmp.resolve("with-model");
        Run analyze = faceattr("analyze", "--model", model.toString(), "--out", out.toString(),
                samples.resolve("astronaut.png").toString());
        assertEquals(0, analyze.code(), analyze.err());
        List<String> lines = Files.readAllLines(out.resolve("faces.csv"));
        assertTrue(lines.get(1).endsWith(",my-model"), "the trained model named in the model column: " + lines);
        assertTrue(!lines.get(1).contains(",,,"), "a multi-task model fills race: " + lines.get(1));

        Path report = tmp.resolve("report");
        Run eval = faceattr("eval", "--model", model.toString(), "--data", "rafdb:" + raf, "--data", "utkface:" + utk,
                "--out", report.toString(), "--all");
        assertEquals(0, eval.code(), eval.out() + eval.err());
        String metrics = Files.readString(report.resolve("metrics.json"));
        for (String key : List.of("\"age_mae\"", "\"emotion_mean_class_acc\"", "\"gender=female\"", "\"race5=Asian\"",
                "\"by_dataset\"", "\"rafdb\"")) {
            assertTrue(metrics.contains(key), key + " in " + metrics);
        }
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("| all | 22 |"), "16 RAF-DB and 6 valid UTKFace images: " + md);
        assertTrue(Files.size(report.resolve("confusion_emotion.png")) > 1000);
        assertTrue(Files.size(report.resolve("training_curves.png")) > 1000);

        Path store = tmp.resolve("store");
        Run install = faceattr("models", "install", model.toString(), "--dir", store.toString());
        assertEquals(0, install.code(), install.err());
        assertTrue(Files.exists(store.resolve("my-model/model.json")));

        Run usage = faceattr("train", "--data", "imagenet:/x", "--out", tmp.resolve("m2").toString());
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("utkface, fairface, rafdb or faceattr"), usage.err());
    }

    @Test
    void aKilledTrainingRunResumesToTheSameWeights() throws Exception {
        Path raf = tmp.resolve("raf");
        List<Integer> train = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            train.add(1 + i % 7);
        }
        faceattr.data.DatasetFixtures.rafdb(raf, train, List.of(1, 4, 7, 2), faceattr.data.DatasetFixtures.GREY);
        String[] opts = {"--data", "rafdb:" + raf, "--epochs", "3", "--batch", "8", "--bn-momentum", "0.1",
            "--threads", "1", "--seed", "5"};
        Path straight = tmp.resolve("straight");
        List<String> a = new ArrayList<>(List.of("train", "--out", straight.toString()));
        a.addAll(List.of(opts));
        assertEquals(0, faceattr(a.toArray(String[]::new)).code());

        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/faceattr").toString(), "train", "--out",
                killed.toString()));
        cmd.addAll(List.of(opts));
        Path log = tmp.resolve("killed.out");
        Process p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (p.isAlive() && !Files.readString(log).contains("epoch 1/3:") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300); // into epoch 2
        assertTrue(p.isAlive(), "the run finished before it could be killed: " + Files.readString(log));
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        List<String> r = new ArrayList<>(List.of("train", "--out", killed.toString(), "--resume"));
        r.addAll(List.of(opts));
        Run resumed = faceattr(r.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("resuming after epoch 1"), resumed.out());
        String ckpt = "checkpoint/parameters.safetensors";
        assertTrue(java.util.Arrays.equals(
                Files.readAllBytes(straight.resolveSibling("straight.training").resolve(ckpt)),
                Files.readAllBytes(killed.resolveSibling("killed.training").resolve(ckpt))),
                "bit-identical weights after a kill in epoch 2 and --resume");
    }

    @Test
    void analyzeExportTrainAndAnalyzeAgain() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 6; i++) {
            Files.copy(samples.resolve("astronaut.png"), in.resolve("a" + i + ".png"));
        }
        Path results = tmp.resolve("results");
        assertEquals(0, faceattr("analyze", "--out", results.toString(), in.toString()).code());
        Path dataset = tmp.resolve("dataset");
        Run export = faceattr("export", "--from", results.toString(), "--format", "faceattr", "--out",
                dataset.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains(": 6 exported"), export.out());
        Run again = faceattr("export", "--from", results.toString(), "--format", "faceattr", "--out",
                dataset.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("not empty"), again.err());
        Run raf = faceattr("export", "--from", results.toString(), "--format", "utkface", "--out",
                tmp.resolve("utk").toString());
        assertEquals(1, raf.code(), "nothing a utkface dataset can hold: an error, not an empty dataset");
        assertTrue(raf.err().contains("no face to export") && raf.err().contains("6 skipped: no race label, which "
                + "utkface needs"), raf.err());
        assertFalse(Files.exists(tmp.resolve("utk")), "nothing written");

        Path model = tmp.resolve("retrained");
        Run train = faceattr("train", "--data", "faceattr:" + dataset, "--out", model.toString(), "--epochs", "1",
                "--batch", "4", "--bn-momentum", "0.1", "--threads", "1");
        assertEquals(0, train.code(), train.out() + train.err());
        Run analyze = faceattr("analyze", "--model", model.toString(), "--out", tmp.resolve("r2").toString(),
                in.resolve("a0.png").toString());
        assertEquals(0, analyze.code(), analyze.err());
        assertTrue(Files.readAllLines(tmp.resolve("r2/faces.csv")).get(1).endsWith(",retrained"));
    }

    @Test
    void modelsListsReferenceAndRefusesANonModel() throws Exception {
        Path store = tmp.resolve("store");
        Run list = faceattr("models", "list", "--dir", store.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("reference") && list.out().contains("default: reference"), list.out());
        Path notAModel = Files.createDirectories(tmp.resolve("not-a-model"));
        Run install = faceattr("models", "install", notAModel.toString(), "--dir", store.toString());
        assertEquals(1, install.code());
        assertTrue(install.err().contains("not-a-model"), install.err());
        assertEquals(2, faceattr("models", "frobnicate").code());
    }

    @Test
    void corruptAndTinyInputsAreReportedAndTheRestProcessed() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        Files.copy(samples.resolve("astronaut.png"), in.resolve("sub/astronaut.png"));
        byte[] png = Files.readAllBytes(samples.resolve("coffee.png"));
        Files.write(in.resolve("broken.png"), Arrays.copyOf(png, png.length / 3));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        BufferedImage tiny = new BufferedImage(10, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(tiny, "png", in.resolve("tiny.png").toFile());
        for (String command : List.of("detect", "analyze")) {
            Path out = tmp.resolve("out-" + command);
            Run r = faceattr(command, "--out", out.toString(), in.toString());
            assertEquals(1, r.code(), "some inputs failed -> exit code 1\n" + r.err());
            assertEquals(1, r.err().split("broken\\.png", -1).length - 1, "the bad file is named once:\n" + r.err());
            assertTrue(r.out().contains("2 images, 1 faces, 1 failed, 1 other file skipped (notes.txt)"),
                    "the result line counts the skipped file:\n" + r.out());
            List<String> lines = Files.readAllLines(out.resolve("faces.csv"));
            assertEquals(2, lines.size(), "the good image is still processed, tiny gives no rows:\n" + lines);
            assertTrue(lines.get(1).contains("astronaut.png"));
            assertTrue(Files.exists(out.resolve("rois/tiny.zip")));
            assertTrue(Files.exists(out.resolve("rois/astronaut.zip")));
        }
    }

    @Test
    void verboseListsTheSkippedFiles() throws Exception {
        Run verbose = faceattr("analyze", "--verbose", "--out", tmp.resolve("v").toString(), samples.toString());
        assertEquals(0, verbose.code(), verbose.err());
        assertTrue(verbose.err().contains("skipped README.md"), "--verbose lists skipped files:\n" + verbose.err());
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        assertEquals(2, faceattr().code());
        assertEquals(2, faceattr("detect").code());
        Run r = faceattr("detect", "--min-face", "abc", samples.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Invalid value for option '--min-face': 'abc'"), r.err());
        assertEquals(2, faceattr("frobnicate").code());
        Run bench = faceattr("bench", "--stage", "detect", samples.toString());
        assertEquals(2, bench.code());
        assertTrue(bench.err().contains("--images"), bench.err());
        Run threads = faceattr("bench", "--threads", "0");
        assertEquals(2, threads.code());
        assertTrue(threads.err().contains("--threads must be at least 1, was 0"), threads.err());
        Run help = faceattr("analyze", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--model") && help.out().contains("--min-face"), help.out());
    }

    @Test
    void verboseGoesBeforeOrAfterTheCommand() throws Exception {
        Path store = tmp.resolve("store");
        for (Run r : List.of(faceattr("--verbose", "models", "list", "--dir", store.toString()),
                faceattr("models", "list", "--dir", store.toString(), "--verbose"))) {
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("default: reference"), r.out());
        }
    }

    @Test
    void benchTrainTimesRealStepsAtBothInputSizes() throws Exception {
        Run r = faceattr("bench", "--stage", "train", "--repeat", "1", "--batch", "4");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().filter(l -> l.startsWith("BENCH train ")).toList();
        assertEquals(2, lines.size(), r.out());
        for (int k = 0; k < 2; k++) {
            assertTrue(lines.get(k).startsWith("BENCH train input=" + (k == 0 ? 112 : 224) + " batch=4 ms_per_step="),
                    lines.get(k));
            double ms = Double.parseDouble(lines.get(k).replaceAll(".*ms_per_step=([0-9.]+).*", "$1"));
            double perS = Double.parseDouble(lines.get(k).replaceAll(".*images_per_s=([0-9.]+).*", "$1"));
            // the two figures describe the same steps: images/s = batch / seconds per step
            assertEquals(4 / (ms / 1000), perS, 0.1, lines.get(k));
        }
    }

    @Test
    void infoNamesTheEngineAndNatives() throws Exception {
        Run r = faceattr("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("engine PyTorch"), r.out());
        assertTrue(r.out().contains("offline true"), r.out());
        assertTrue(r.out().contains("natives_jar") && r.out().contains("pytorch-native-cpu"), r.out());
        assertFalse(r.out().contains("MISSING"), r.out());
    }

    @Test
    void architectureReportListsEveryBranchPoint() throws Exception {
        Run r = faceattr("info", "--architecture", "--input", "112", "--branch", "5");
        assertEquals(0, r.code(), r.err());
        long rows = r.out().lines().filter(l -> l.matches("\\| [0-7] (\\* )?\\| .*")).count();
        assertEquals(8, rows, "one row per branch point 0..7:\n" + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| 5 * |")), "the chosen k is marked:\n" + r.out());
        assertTrue(r.out().contains("4 single-task networks"), r.out());
        assertEquals(2, faceattr("info", "--architecture", "--branch", "99").code());
        assertEquals(2, faceattr("info", "--branch", "3").code());
    }

    static List<Roi> readZip(Path zip) throws IOException {
        List<Roi> rois = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                rois.add(RoiDecoder.openFromByteArray(in.readAllBytes()));
            }
        }
        return rois;
    }
}
