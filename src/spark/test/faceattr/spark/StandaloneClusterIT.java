package faceattr.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real Spark cluster on this machine: a standalone master and two one-core workers started
 * from Spark's own classes on 127.0.0.1 (no download), the job submitted to them, the tables equal
 * to local mode's. The master and workers are stopped at the end.
 */
class StandaloneClusterIT {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String opens() {
        return System.getProperty("faceattr.spark.jvmOptions", "");
    }

    private Process start(String name, List<String> args, Path sparkHome) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        for (String o : opens().split(" ")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars").toString() + "/*");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // what a distribution's scripts set: the launcher otherwise looks for build folders
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().remove("LD_PRELOAD");
        return pb.start();
    }

    private static void waitFor(Path log, String text, Process p) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no '" + text + "' in " + log + ":\n" + (Files.exists(log)
                ? Files.readString(log) : "(no log)"));
    }

    private static int analyze(List<String> args, ByteArrayOutputStream out) {
        SparkAnalyze job = new SparkAnalyze();
        job.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        job.stderr = job.stdout;
        return new CommandLine(job).execute(args.toArray(new String[0]));
    }

    @Test
    void twoWorkersGiveTheTablesOfLocalMode() throws Exception {
        Path deps = Path.of("target", "spark-deps").toAbsolutePath();
        assertTrue(Files.isDirectory(deps), "run after 'mvn package -Pspark' (target/spark-deps)");
        // A SPARK_HOME whose jars/ are Spark's jars (workers launch executors from it): those the
        // spark profile copied, and those Spark shares with us (slf4j-api ...), less slf4j-simple.
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home/jars"));
        for (Path dir : List.of(deps, Path.of("target", "deps").toAbsolutePath())) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path j : s.toList()) {
                    if (!j.getFileName().toString().startsWith("slf4j-simple")) {
                        Files.createSymbolicLink(sparkHome.resolve(j.getFileName()), j);
                    }
                }
            }
        }
        sparkHome = sparkHome.getParent();
        // Spark's launcher takes $SPARK_HOME/jars as is when a RELEASE file marks a distribution.
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.2.0 (jars of the Maven build, for this test)\n");
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        List<Process> cluster = new ArrayList<>();
        try {
            Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort())), sparkHome);
            cluster.add(master);
            waitFor(tmp.resolve("master.log"), "I have been elected leader", master);
            for (int w = 0; w < 2; w++) {
                Process worker = start("worker" + w, List.of("org.apache.spark.deploy.worker.Worker", "--host",
                        "127.0.0.1", "--cores", "1", "--memory", "2g", "--webui-port", Integer.toString(freePort()),
                        "--work-dir", Files.createDirectories(tmp.resolve("work" + w)).toString(), url), sparkHome);
                cluster.add(worker);
                waitFor(tmp.resolve("worker" + w + ".log"), "Successfully registered with master", worker);
            }
            // Our classes and dependencies for the executors, as --jars or an uber jar would bring them.
            List<String> cp = new ArrayList<>(List.of(Path.of("target", "classes").toAbsolutePath().toString(),
                    Path.of("target", "deps").toAbsolutePath() + "/*"));
            Path in = Files.createDirectories(tmp.resolve("in"));
            Files.copy(Path.of("sample-data", "astronaut.png"), in.resolve("astronaut.png"));
            Files.copy(Path.of("sample-data", "coffee.png"), in.resolve("coffee.JPG.png"));
            Files.write(in.resolve("broken.jpg"), new byte[] {1, 2, 3});
            Path clusterOut = tmp.resolve("cluster-out");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int code = analyze(List.of("--master", url, "--conf", "spark.executor.cores=1", "--conf",
                    "spark.executor.memory=1g", "--conf", "spark.driver.host=127.0.0.1", "--conf",
                    "spark.executor.extraClassPath=" + String.join(":", cp), "--conf",
                    "spark.executor.extraJavaOptions=" + opens(), "--conf", "spark.cores.max=2", "--model", "reference",
                    "--out", clusterOut.toString(), in.toString()), log);
            assertEquals(0, code, log.toString(StandardCharsets.UTF_8) + "\n" + executorLogs());
            Path localOut = tmp.resolve("local-out");
            assertEquals(0, analyze(List.of("--master", "local[2]", "--model", "reference", "--out",
                    localOut.toString(), in.toString()), new ByteArrayOutputStream()));
            SparkSession spark = SparkSession.builder().master("local[1]").getOrCreate();
            try {
                for (String table : new String[] {"faces", "images"}) {
                    List<String> a = sorted(spark.read().parquet(clusterOut.resolve(table).toString()).drop("run")
                            .collectAsList());
                    List<String> b = sorted(spark.read().parquet(localOut.resolve(table).toString()).drop("run")
                            .collectAsList());
                    assertEquals(b, a, table + " on the cluster and in local mode");
                }
            } finally {
                spark.stop();
            }
            String workers = Files.readString(tmp.resolve("worker0.log")) + Files.readString(tmp.resolve("worker1.log"));
            assertTrue(workers.contains("Launching executor") || workers.contains("Asked to launch executor"),
                    "the executors ran on the workers:\n" + workers);
        } finally {
            for (Process p : cluster) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : cluster) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The executors' stderr files under the workers' work folders (the first 3000 characters each). */
    private String executorLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.filter(f -> f.getFileName().toString().equals("stderr")).limit(2).toList()) {
                String t = Files.readString(p);
                b.append("== ").append(p).append('\n').append(t, 0, Math.min(3000, t.length())).append('\n');
            }
        }
        return b.toString();
    }

    private static List<String> sorted(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(r.toString());
        }
        out.sort(null);
        return out;
    }
}
