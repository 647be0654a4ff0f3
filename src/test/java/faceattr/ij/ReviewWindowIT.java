package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review window under Xvfb, driven by key events ({@link ReviewWindowHarness}). */
class ReviewWindowIT {
    @TempDir
    Path tmp;

    @Test
    void keysEditTheFaceAndTheReviewIsRestored() throws Exception {
        Path log = tmp.resolve("harness.log");
        ProcessBuilder pb = new ProcessBuilder(List.of("xvfb-run", "-a", Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-cp", System.getProperty("java.class.path"), "faceattr.ij.ReviewWindowHarness",
                tmp.toString()));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the harness timed out:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(out.contains("REVIEW_OK"), out);
        assertTrue(Files.size(tmp.resolve("review-window.png")) > 5000, "screenshot");
        Path docs = Path.of("target/review-window.png");
        Files.copy(tmp.resolve("review-window.png"), docs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
