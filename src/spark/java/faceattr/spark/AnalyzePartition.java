package faceattr.spark;

import faceattr.analysis.FaceAnalyzer;
import faceattr.analysis.FacesCsv;
import faceattr.analysis.ImageResult;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.io.ImageFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side: reads each input's bytes from its file system, decodes them here (never on
 * the driver), and analyses them with the executor's pipeline in groups of up to
 * {@value #GROUP} images (the pipeline's batch). A file that cannot be read or decoded, or an image
 * whose analysis fails, becomes a {@code failed} row; the other images go on.
 */
final class AnalyzePartition implements FlatMapFunction<Iterator<String>, ImageOutput> {
    /** Images per pipeline call. */
    static final int GROUP = 8;
    /** Test hook: a task that meets an input with this file name fails (tests of failed runs). */
    static final String FAIL_ON = "faceattr.spark.test.failOn";

    private final JobSettings settings;
    private final Map<String, String> hadoop;
    private final LongAccumulator done;
    private final LongAccumulator failed;

    AnalyzePartition(JobSettings settings, Map<String, String> hadoop, LongAccumulator done, LongAccumulator failed) {
        this.settings = settings;
        this.hadoop = hadoop;
        this.done = done;
        this.failed = failed;
    }

    @Override
    public Iterator<ImageOutput> call(Iterator<String> paths) throws FaceAttrException, IOException {
        FaceAnalyzer analyzer = ExecutorPipeline.get(settings);
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        String failOn = System.getProperty(FAIL_ON, "");
        List<ImageOutput> out = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        while (paths.hasNext()) {
            String p = paths.next();
            if (!failOn.isEmpty() && p.endsWith("/" + failOn)) {
                throw new IllegalStateException("test failure on " + p);
            }
            try {
                images.add(ImageFiles.read(bytes(p, conf), p));
                sources.add(p);
            } catch (FaceAttrException | IOException e) {
                out.add(ImageOutput.failed(p, 0, 0, e.getMessage()));
                failed.add(1);
                done.add(1);
            }
            if (images.size() == GROUP || !paths.hasNext() && !images.isEmpty()) {
                analyse(analyzer, sources, images, out);
                sources.clear();
                images.clear();
            }
        }
        return out.iterator();
    }

    private void analyse(FaceAnalyzer analyzer, List<String> sources, List<RgbImage> images, List<ImageOutput> out) {
        List<ImageResult> results = analyzer.analyze(sources, images, Progress.NONE);
        for (int i = 0; i < results.size(); i++) {
            ImageResult r = results.get(i);
            RgbImage img = images.get(i);
            if (r.isFailed()) {
                out.add(ImageOutput.failed(r.source(), img.width(), img.height(), r.failure()));
                failed.add(1);
            } else {
                out.add(new ImageOutput(r.source(), img.width(), img.height(), ImageOutput.OK, "", FacesCsv.rows(r)));
            }
            done.add(1);
        }
    }

    private static byte[] bytes(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
