package faceattr.spark;

import faceattr.analysis.FacesCsv;
import faceattr.core.FaceAttrException;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import faceattr.estimate.AttributeEstimator;
import faceattr.io.ImageFiles;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code faceattr-spark analyze [--master URL] [--conf K=V ...] --out DIR [options] INPUT...}: the
 * analysis of {@code faceattr analyze} as a Spark job (docs/scale.md). Without {@code --master}
 * (and outside {@code spark-submit}) it runs embedded with {@code local[*]}.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Detect faces and estimate their attributes on Spark; writes the tables faces and images.")
public final class SparkAnalyze implements Callable<Integer> {
    /** Images per Spark partition: partitions are sized by image count, not by folder. */
    static final int IMAGES_PER_PARTITION = 16;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (any Hadoop file "
            + "system): DIR/faces and DIR/images, one committed run per partition run=<id>.")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or what "
            + "spark-submit set).")
    String master;

    @Option(names = "--conf", paramLabel = "K=V", description = "A Spark setting, as spark-submit's --conf.")
    List<String> conf = new ArrayList<>();

    @Option(names = "--model", paramLabel = "reference|NAME|PATH", description = "The estimator (default: the "
            + "newest installed model, else reference); checked on the driver before the job starts.")
    String model;

    @Option(names = "--min-face", paramLabel = "PX", description = "Smallest face side, pixels (default 20).")
    double minFace = 20;

    @Option(names = "--threshold", paramLabel = "P", description = "O-Net face probability (default 0.7).")
    double threshold = 0.7;

    @Option(names = "--detector", paramLabel = "NAME|DIR", description = "A fine-tuned detector: an installed "
            + "detector's name or a train-detector folder, readable at the same path on every executor "
            + "(default: the pretrained cascade).")
    String detector;

    @Option(names = "--threads", paramLabel = "T", description = "Intra-op threads of each executor's pipeline "
            + "(default: local mode's cores; on a cluster spark.executor.cores, else 1).")
    Integer threads;

    @Option(names = "--engine", paramLabel = "onnxruntime|pytorch", description = "Inference engine "
            + "(default onnxruntime).")
    String engine = InferenceEngine.DEFAULT.key();

    @Option(names = "--device", paramLabel = "auto|cpu|gpu|gpu:N", description = "Where each executor runs the "
            + "networks (default auto: a usable GPU of the executor's machine, else its CPU; docs/gpu.md).")
    String device = DeviceChoice.DEFAULT.key();

    @Option(names = "--format", paramLabel = "parquet|csv", description = "Table format (default parquet; csv "
            + "with a header).")
    String format = "parquet";

    @Option(names = "--resume", description = "Process only the inputs not yet in DIR's committed output.")
    boolean resume;

    @Option(names = "--verbose", description = "Show Spark's and the libraries' logs (the launcher reads it).")
    boolean verbose;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Image files, folders (recursive) or globs, "
            + "on any Hadoop file system.")
    List<String> inputs;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;

    /** @param args {@code analyze [options] INPUT...} */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Root()).addSubcommand(new SparkAnalyze());
        System.exit(cl.execute(args));
    }

    @Command(name = "faceattr-spark", mixinStandardHelpOptions = true,
            description = "Face Attributes on Apache Spark (docs/scale.md).")
    static final class Root implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.err);
            return 2;
        }
    }

    @Override
    public Integer call() {
        try {
            run();
            return 0;
        } catch (FaceAttrException e) {
            stderr.println("error: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            stderr.println("error: " + e);
            return 1;
        }
    }

    /**
     * Runs the job.
     *
     * @throws FaceAttrException when the model, the inputs or the output folder are not usable
     */
    void run() throws FaceAttrException, IOException {
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new IllegalArgumentException("--format must be parquet or csv, was " + format);
        }
        InferenceEngine.parse(engine);
        DeviceChoice.parse(device);
        // The model is checked here, once, before any executor starts: a bad one fails now, naming
        // its file, not after an hour of tasks.
        try (AttributeEstimator e = Estimators.open(model, ModelStore.standard(null), InferenceEngine.PYTORCH)) {
            stdout.println("model " + e.name());
        }
        java.nio.file.Path detectorDir = new faceattr.detect.DetectorStore(ModelStore.standard(null)).resolve(detector);
        if (detectorDir != null) {
            faceattr.detect.DetectorFolder.read(detectorDir); // a bad folder fails now, naming it
            stdout.println("detector " + detectorDir.toAbsolutePath());
        }
        SparkConf sc = new SparkConf().setAppName("faceattr analyze");
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf takes K=V, got " + kv);
            }
            sc.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (master != null) {
            sc.setMaster(master);
        } else if (!sc.contains("spark.master")) {
            sc.setMaster("local[*]");
        }
        SparkSession spark = SparkSession.builder().config(sc).getOrCreate();
        try {
            job(spark);
        } finally {
            spark.stop();
        }
    }

    private void job(SparkSession spark) throws FaceAttrException, IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = jsc.hadoopConfiguration();
        Path dir = new Path(out);
        Output output = new Output(dir.getFileSystem(hadoop), dir);
        String runId = String.format(Locale.ROOT, "%tY%<tm%<tdT%<tH%<tM%<tS-%s", new java.util.Date(),
                Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 6));
        output.lock(runId);
        try {
            if (output.hasCommitted() && !resume) {
                throw new FaceAttrException(java.nio.file.Path.of(out), "already holds committed results; add "
                        + "--resume to process only the inputs not in them, or choose another --out (nothing was "
                        + "changed)", null);
            }
            String fmt = output.format(format);
            List<String> todo = new ArrayList<>(list(hadoop));
            int listed = todo.size();
            if (resume) {
                Set<String> done = output.committedPaths(spark, fmt);
                todo.removeIf(done::contains);
            }
            stdout.printf(Locale.ROOT, "inputs %d, to process %d, run %s%n", listed, todo.size(), runId);
            if (todo.isEmpty()) {
                return;
            }
            // Local mode: one executor (this JVM) with all the local cores; else each executor's cores.
            boolean local = spark.sparkContext().isLocal();
            int cores = threads != null ? threads : local ? jsc.defaultParallelism()
                    : spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
            java.nio.file.Path detectorDir = new faceattr.detect.DetectorStore(ModelStore.standard(null))
                    .resolve(detector);
            JobSettings settings = new JobSettings(model, minFace, threshold, Math.max(1, cores), engine, device,
                    detectorDir == null ? null : detectorDir.toAbsolutePath().toString());
            Map<String, String> hconf = new HashMap<>();
            hadoop.forEach(e -> hconf.put(e.getKey(), e.getValue()));
            LongAccumulator done = jsc.sc().longAccumulator("images done");
            LongAccumulator failed = jsc.sc().longAccumulator("images failed");
            jsc.setJobGroup("faceattr-" + runId, "Face Attributes: analyze " + todo.size() + " images", false);
            // By image count: at most IMAGES_PER_PARTITION per task, and at least two tasks per core
            // of the cluster while there are images enough, so that small jobs use every core.
            int slices = Math.max((todo.size() + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION,
                    Math.min(todo.size(), 2 * jsc.defaultParallelism()));
            JavaRDD<ImageOutput> results = jsc.parallelize(todo, slices)
                    .mapPartitions(new AnalyzePartition(settings, hconf, done, failed))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            Progress progress = new Progress(todo.size(), done, failed, stderr);
            progress.start();
            try {
                write(spark, facesTable(spark, results), output.staging(runId, Output.FACES), fmt);
                write(spark, imagesTable(spark, results), output.staging(runId, Output.IMAGES), fmt);
            } catch (RuntimeException e) {
                output.abandon(runId);
                throw e;
            } finally {
                progress.stop();
                results.unpersist(false);
            }
            output.commit(runId);
            stdout.printf(Locale.ROOT, "done: %d images, %d failed; committed run=%s to %s%n", done.value(),
                    failed.value(), runId, dir);
        } finally {
            output.unlock();
        }
    }

    private static void write(SparkSession spark, Dataset<Row> table, Path where, String fmt) {
        table.write().mode("errorifexists").format(fmt).option("header", "true").save(where.toString());
    }

    static StructType facesSchema() {
        List<StructField> f = new ArrayList<>();
        for (String c : FacesCsv.ANALYZE_COLUMNS) {
            f.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        }
        return DataTypes.createStructType(f);
    }

    static StructType imagesSchema() {
        return DataTypes.createStructType(List.of(DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField("width", DataTypes.IntegerType, false),
                DataTypes.createStructField("height", DataTypes.IntegerType, false),
                DataTypes.createStructField("faces", DataTypes.IntegerType, false),
                DataTypes.createStructField("status", DataTypes.StringType, false),
                DataTypes.createStructField("error", DataTypes.StringType, true)));
    }

    private static Dataset<Row> facesTable(SparkSession spark, JavaRDD<ImageOutput> results) {
        JavaRDD<Row> rows = results.flatMap(r -> r.faces().stream().map(v -> RowFactory.create(v.toArray())).iterator());
        return spark.createDataFrame(rows, facesSchema());
    }

    private static Dataset<Row> imagesTable(SparkSession spark, JavaRDD<ImageOutput> results) {
        JavaRDD<Row> rows = results.map(r -> RowFactory.create(r.path(), r.width(), r.height(), r.faces().size(),
                r.status(), r.error()));
        return spark.createDataFrame(rows, imagesSchema());
    }

    /**
     * Lists the inputs on the driver: files as given, folders recursively, globs expanded; image
     * extensions compared without case; sorted and without duplicates.
     */
    private List<String> list(Configuration hadoop) throws FaceAttrException, IOException {
        Set<String> found = new TreeSet<>();
        for (String in : inputs) {
            Path p = new Path(in);
            FileSystem fs = p.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new FaceAttrException(java.nio.file.Path.of(in), "no such file or folder, and no file matches "
                        + "it as a glob; check the path", null);
            }
            for (FileStatus st : matches) {
                if (st.isDirectory()) {
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                    while (it.hasNext()) {
                        LocatedFileStatus f = it.next();
                        if (isImage(f.getPath())) {
                            found.add(f.getPath().toString());
                        }
                    }
                } else if (isImage(st.getPath())) {
                    found.add(st.getPath().toString());
                }
            }
        }
        return new ArrayList<>(found);
    }

    static boolean isImage(Path p) {
        String n = p.getName();
        if (n.startsWith(".") || n.startsWith("_")) {
            return false;
        }
        int dot = n.lastIndexOf('.');
        return dot > 0 && ImageFiles.EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The driver's progress line: images done of total, images/s and failures, as tasks end. */
    private static final class Progress {
        private final int total;
        private final LongAccumulator done;
        private final LongAccumulator failed;
        private final PrintStream err;
        private final long t0 = System.nanoTime();
        private Thread thread;

        Progress(int total, LongAccumulator done, LongAccumulator failed, PrintStream err) {
            this.total = total;
            this.done = done;
            this.failed = failed;
            this.err = err;
        }

        void start() {
            thread = new Thread(() -> {
                try {
                    long shown = -1;
                    long last = System.nanoTime();
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(1000);
                        // counts arrive as tasks end: a line when they move, else every 10 s
                        if (done.value() != shown || System.nanoTime() - last > 10_000_000_000L) {
                            shown = done.value();
                            last = System.nanoTime();
                            line();
                        }
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            }, "faceattr-progress");
            thread.setDaemon(true);
            thread.start();
        }

        void line() {
            double s = (System.nanoTime() - t0) / 1e9;
            long d = done.value();
            err.printf(Locale.ROOT, "progress: %d/%d images, %.1f images/s, %d failed%n", d, total, d / s,
                    failed.value());
        }

        void stop() {
            thread.interrupt();
        }
    }

}
