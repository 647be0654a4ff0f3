package faceattr.spark;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The output folder and its commit protocol. Each run writes its two tables under
 * {@code DIR/_tmp/run=<id>/} (Spark skips names starting with {@code _}), and commits by renaming
 * them to {@code DIR/faces/run=<id>} and {@code DIR/images/run=<id>}: a reader of {@code DIR/faces}
 * or {@code DIR/images} sees the runs committed so far as a partitioned table (column {@code run}),
 * never a run in progress or one that failed. Nothing under {@code faces} or {@code images} is
 * ever deleted. {@code DIR/_lock} keeps a second run out while one is running; {@code DIR/_format}
 * keeps the format of the first run. On a file system whose rename is not atomic (S3) a commit is
 * two copies; see docs/scale.md.
 */
final class Output {
    static final String FACES = "faces";
    static final String IMAGES = "images";

    private final FileSystem fs;
    private final Path dir;

    Output(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /**
     * Takes the output folder for this run.
     *
     * @throws FaceAttrException when another run holds it (naming the lock file and what to do)
     */
    void lock(String runId) throws FaceAttrException, IOException {
        fs.mkdirs(dir);
        Path lock = new Path(dir, "_lock");
        try (OutputStream o = fs.create(lock, false)) {
            o.write(("run " + runId + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            throw new FaceAttrException(java.nio.file.Path.of(lock.toString()), "another run is writing to "
                    + dir + "; wait for it, or delete this file if no run is active (a run that was killed leaves it)",
                    e);
        }
    }

    void unlock() throws IOException {
        fs.delete(new Path(dir, "_lock"), false);
    }

    /** @return whether a run has been committed here */
    boolean hasCommitted() throws IOException {
        return !committedRuns().isEmpty();
    }

    List<String> committedRuns() throws IOException {
        Path images = new Path(dir, IMAGES);
        if (!fs.exists(images)) {
            return List.of();
        }
        return java.util.Arrays.stream(fs.listStatus(images)).filter(FileStatus::isDirectory)
                .map(st -> st.getPath().getName()).filter(n -> n.startsWith("run=")).sorted().toList();
    }

    /**
     * The format of the committed runs, or the given one for a new folder (then recorded).
     *
     * @throws FaceAttrException when the folder holds the other format
     */
    String format(String wanted) throws FaceAttrException, IOException {
        Path f = new Path(dir, "_format");
        if (fs.exists(f)) {
            String have;
            try (var in = fs.open(f)) {
                have = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!have.equals(wanted)) {
                throw new FaceAttrException(java.nio.file.Path.of(dir.toString()), "holds " + have
                        + " tables; resume with --format " + have + ", or write to another --out", null);
            }
            return have;
        }
        try (OutputStream o = fs.create(f, true)) {
            o.write((wanted + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return wanted;
    }

    /** @return the input paths of every committed run's images table */
    Set<String> committedPaths(SparkSession spark, String format) throws IOException {
        Set<String> done = new HashSet<>();
        if (!hasCommitted()) {
            return done;
        }
        Dataset<Row> images = read(spark, format, IMAGES);
        for (Row r : images.select("path").collectAsList()) {
            done.add(r.getString(0));
        }
        return done;
    }

    Dataset<Row> read(SparkSession spark, String format, String table) {
        return spark.read().format(format).option("header", "true").load(new Path(dir, table).toString());
    }

    Path staging(String runId, String table) {
        return new Path(new Path(new Path(dir, "_tmp"), "run=" + runId), table);
    }

    /** Publishes a run: its faces first, then its images (the table resume reads). */
    void commit(String runId) throws IOException {
        for (String table : new String[] {FACES, IMAGES}) {
            Path target = new Path(new Path(dir, table), "run=" + runId);
            fs.mkdirs(target.getParent());
            if (!fs.rename(staging(runId, table), target)) {
                throw new IOException("cannot rename " + staging(runId, table) + " to " + target);
            }
        }
        abandon(runId);
    }

    /** Removes what this run staged, and the staging folder once empty; committed runs are not touched. */
    void abandon(String runId) throws IOException {
        Path tmp = new Path(dir, "_tmp");
        fs.delete(new Path(tmp, "run=" + runId), true);
        if (fs.exists(tmp) && fs.listStatus(tmp).length == 0) {
            fs.delete(tmp, false);
        }
    }
}
