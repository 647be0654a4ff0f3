package faceattr.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.FacesCsv;
import faceattr.analysis.ImageResult;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.image.ImageOps;
import faceattr.io.ImageFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Spark job in local mode (local[2], in this JVM): the same faces as the pipeline on one
 * machine, a corrupt file as a failed row, and the commit protocol: a second run refuses to mix
 * into committed output, a failed run leaves it as it was, and --resume adds only the missing
 * inputs, with no duplicate rows.
 */
class SparkAnalyzeIT {
    @TempDir
    Path tmp;

    /** Runs the command; returns its exit code and output. */
    private record Run(int code, String out, String err) {
    }

    private static Run analyze(String... args) {
        SparkAnalyze job = new SparkAnalyze();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        job.stdout = new PrintStream(o, true, StandardCharsets.UTF_8);
        job.stderr = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = new CommandLine(job).execute(args);
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** A folder of images: photos of sample-data under other extensions, a generated group photo. */
    private Path photos(String name, int variants) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        RgbImage astronaut = ImageFiles.read(Path.of("sample-data", "astronaut.png"));
        for (int k = 0; k < variants; k++) {
            RgbImage canvas = ImageOps.resize(astronaut, 300 + 40 * k, 300 + 40 * k);
            ImageFiles.writePng(canvas, dir.resolve(name + "-" + k + (k % 2 == 0 ? ".PNG" : ".png")));
        }
        return dir;
    }

    private static List<Row> rows(SparkSession spark, Path dir, String table) {
        return spark.read().parquet(dir.resolve(table).toString()).collectAsList();
    }

    /** The faces.csv rows of every image of a folder from the pipeline itself, by file name. */
    private static Map<String, List<List<String>>> expected(List<Path> files) throws Exception {
        Map<String, List<List<String>>> out = new TreeMap<>();
        try (FaceAnalyzer a = FaceAnalyzer.builder().optModel("reference").optThreads(1).build()) {
            for (Path f : files) {
                ImageResult r = a.analyze(f.toString(), ImageFiles.read(f), Progress.NONE);
                out.put(f.getFileName().toString(), FacesCsv.rows(r));
            }
        }
        return out;
    }

    private static Map<String, List<List<String>>> byFile(List<Row> faces) {
        Map<String, List<List<String>>> out = new TreeMap<>();
        for (Row r : faces) {
            List<String> v = new ArrayList<>();
            for (String c : FacesCsv.ANALYZE_COLUMNS) {
                v.add(r.getString(r.fieldIndex(c)));
            }
            String name = Path.of(v.get(0).replaceFirst("^file:", "")).getFileName().toString();
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
        }
        out.values().forEach(l -> l.sort((x, y) -> Integer.compare(Integer.parseInt(x.get(1)),
                Integer.parseInt(y.get(1)))));
        return out;
    }

    private static void assertSameFaces(Map<String, List<List<String>>> want, Map<String, List<List<String>>> got) {
        for (Map.Entry<String, List<List<String>>> e : want.entrySet()) {
            List<List<String>> g = got.getOrDefault(e.getKey(), List.of());
            assertEquals(e.getValue().size(), g.size(), "faces of " + e.getKey());
            for (int k = 0; k < g.size(); k++) {
                List<String> a = e.getValue().get(k);
                List<String> b = g.get(k);
                for (int c = 1; c < a.size(); c++) {
                    String col = FacesCsv.ANALYZE_COLUMNS.get(c);
                    if (a.get(c).matches("-?[0-9.]+") && b.get(c).matches("-?[0-9.]+")) {
                        assertEquals(Double.parseDouble(a.get(c)), Double.parseDouble(b.get(c)), 1e-4 + 1e-9,
                                e.getKey() + " face " + (k + 1) + " " + col);
                    } else {
                        assertEquals(a.get(c), b.get(c), e.getKey() + " face " + (k + 1) + " " + col);
                    }
                }
            }
        }
    }

    @Test
    void localModeGivesThePipelinesFacesAndAFailedRowForACorruptFile() throws Exception {
        Path in = photos("set", 3);
        Files.copy(Path.of("sample-data", "coffee.png"), in.resolve("coffee.Png"));
        byte[] junk = new byte[4000];
        new Random(1).nextBytes(junk);
        Files.write(in.resolve("broken.JPG"), junk);
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Files.write(Files.createDirectories(in.resolve("nested")).resolve("deep.jpeg"),
                Files.readAllBytes(in.resolve("broken.JPG")));
        Path out = tmp.resolve("out");
        Run r = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference", "--threads", "1",
                in.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("inputs 6, to process 6"), r.out());
        List<Path> good = new ArrayList<>();
        try (Stream<Path> s = Files.list(in)) {
            s.filter(p -> p.toString().toLowerCase().endsWith(".png")).sorted().forEach(good::add);
        }
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            List<Row> images = rows(spark, out, "images");
            assertEquals(6, images.size(), images.toString());
            Map<String, Row> byName = new HashMap<>();
            images.forEach(x -> byName.put(Path.of(x.getString(0)).getFileName().toString(), x));
            Row broken = byName.get("broken.JPG");
            assertEquals("failed", broken.getString(broken.fieldIndex("status")));
            assertTrue(broken.getString(broken.fieldIndex("error")).contains("broken.JPG"), broken.toString());
            assertEquals("failed", byName.get("deep.jpeg").getString(4), "folders are read recursively");
            assertEquals("ok", byName.get("set-0.PNG").getString(4));
            assertEquals(300, byName.get("set-0.PNG").getInt(1));
            Map<String, List<List<String>>> want = expected(good);
            assertTrue(want.values().stream().mapToInt(List::size).sum() >= 3, "faces found: " + want);
            assertSameFaces(want, byFile(rows(spark, out, "faces")));
        } finally {
            spark.stop();
        }
    }

    @Test
    void runsCommitWholeNeverMixAndResumeAddsOnlyTheMissing() throws Exception {
        Path a = photos("a", 2);
        Path b = photos("b", 2);
        Path out = tmp.resolve("out");
        Run first = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference", a.toString());
        assertEquals(0, first.code(), first.err());
        List<String> before = listing(out);

        Run refused = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference", a.toString(),
                b.toString());
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("already holds committed results") && refused.err().contains("--resume"),
                refused.err());
        assertEquals(before, listing(out), "a refused run changes nothing");

        System.setProperty(AnalyzePartition.FAIL_ON, "b-1.png");
        try {
            Run failed = analyze("--out", out.toString(), "--master", "local[2]", "--conf", "spark.task.maxFailures=1",
                    "--model", "reference", "--resume", a.toString(), b.toString());
            assertEquals(1, failed.code(), failed.out());
        } finally {
            System.clearProperty(AnalyzePartition.FAIL_ON);
        }
        assertEquals(before, listing(out), "a failed run leaves the output as it was");

        Run resumed = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference", "--resume",
                a.toString(), b.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("inputs 4, to process 2"), resumed.out());

        Path whole = tmp.resolve("whole");
        assertEquals(0, analyze("--out", whole.toString(), "--master", "local[2]", "--model", "reference",
                a.toString(), b.toString()).code());
        SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
        try {
            List<Row> images = rows(spark, out, "images");
            assertEquals(4, images.size(), "every input once: " + images);
            assertEquals(4, images.stream().map(x -> x.getString(0)).distinct().count());
            assertSameFaces(byFile(rows(spark, whole, "faces")), byFile(rows(spark, out, "faces")));
            assertEquals(rows(spark, whole, "faces").size(), rows(spark, out, "faces").size());
        } finally {
            spark.stop();
        }
    }

    @Test
    void aBadModelFailsAtOnceAndCsvTablesHaveTheFacesCsvHeader() throws Exception {
        Path in = photos("c", 2);
        Path out = tmp.resolve("out");
        Run bad = analyze("--out", out.toString(), "--master", "local[2]", "--model", tmp.resolve("no-model")
                .toString(), in.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("no-model") && bad.err().contains("no such model folder"), bad.err());
        assertTrue(!Files.exists(out), "nothing is written before the model is checked");

        Run csv = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference", "--format", "csv",
                in.toString());
        assertEquals(0, csv.code(), csv.err());
        Path part;
        try (Stream<Path> s = Files.walk(out.resolve("faces"))) {
            part = s.filter(p -> p.getFileName().toString().endsWith(".csv")).filter(p -> {
                try {
                    return Files.size(p) > 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        assertEquals(String.join(",", FacesCsv.ANALYZE_COLUMNS), Files.readAllLines(part).get(0));
        Run parquetOnCsv = analyze("--out", out.toString(), "--master", "local[2]", "--model", "reference",
                "--resume", in.toString());
        assertEquals(1, parquetOnCsv.code());
        assertTrue(parquetOnCsv.err().contains("holds csv tables"), parquetOnCsv.err());
    }

    /** The committed part of an output folder: every file under faces/ and images/. */
    private static List<String> listing(Path out) throws Exception {
        List<String> files = new ArrayList<>();
        for (String t : new String[] {"faces", "images"}) {
            if (Files.exists(out.resolve(t))) {
                try (Stream<Path> s = Files.walk(out.resolve(t))) {
                    s.filter(Files::isRegularFile).map(p -> out.relativize(p) + ":" + p.toFile().length()).sorted()
                            .forEach(files::add);
                }
            }
        }
        return files;
    }
}
