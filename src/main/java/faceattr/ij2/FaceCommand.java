package faceattr.ij2;

import faceattr.analysis.FacesCsv;
import faceattr.analysis.ImageResult;
import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.detect.DetectorSettings;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import faceattr.ij.AnalyzeFacesPlugin;
import java.util.List;
import java.util.Map;
import net.imglib2.RandomAccessibleInterval;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;

/**
 * What {@link DetectFacesCommand} and {@link AnalyzeFacesCommand} share: the inputs, the output
 * {@code rows}, and the run. Every input has {@code persist = false}: SciJava would otherwise store
 * it in Java preferences and give a later call that omits it the old value. Errors (a refused
 * image, a bad number, a missing model) cancel the command with a message (its cancel reason, shown
 * by Fiji's status service) and no stack trace; {@code rows} then stays null.
 */
abstract class FaceCommand extends ContextCommand {

    @Parameter(label = "Image", persist = false, description = "2D RGB or grey, or 3D with a colour axis of size 3 "
            + "first or last (docs/scripting.md)")
    private RandomAccessibleInterval<?> image;

    @Parameter(label = "Min face size (pixels)", persist = false, description = "smallest face side, at least 12")
    private double minFace = DetectorSettings.DEFAULT.minFace();

    @Parameter(label = "Threshold (O-Net face probability)", persist = false)
    private double threshold = DetectorSettings.DEFAULT.onetThreshold();

    @Parameter(label = "Engine", persist = false, required = false, choices = {"onnxruntime", "pytorch"})
    private String engine = InferenceEngine.DEFAULT.key();

    @Parameter(label = "Device", persist = false, required = false, description = "auto (a usable GPU, else the "
            + "CPU), cpu, gpu or gpu:N (docs/gpu.md)")
    private String device = DeviceChoice.DEFAULT.key();

    @Parameter(type = ItemIO.OUTPUT, label = "Faces", description = "one map per face, keyed by the faces.csv "
            + "columns")
    private List<Map<String, Object>> rows; // a FaceRows

    @Parameter
    private FaceAnalyzerService analyzers;

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    /** @return whether this command estimates attributes */
    abstract boolean attributes();

    /** @return the {@code model} input, or null for a detecting command */
    abstract String model();

    /** @return the command's name for messages */
    abstract String title();

    @Override
    public void run() {
        RgbImage rgb;
        DetectorSettings settings;
        InferenceEngine eng;
        DeviceChoice where;
        try {
            rgb = IntervalImages.toRgb(image);
            settings = DetectorSettings.builder().optMinFace(minFace).optThreshold(threshold).build();
            eng = InferenceEngine.parse(engine == null || engine.isBlank() ? InferenceEngine.DEFAULT.key() : engine);
            where = DeviceChoice.parse(device);
        } catch (IllegalArgumentException e) {
            fail(title() + ": " + e.getMessage().replace("min_face", "minFace"));
            return;
        }
        String name = IntervalImages.name(image);
        StatusProgress progress = new StatusProgress(status, title());
        try (FaceAnalyzerService.Lease lease = analyzers.lease(settings, attributes(), model(),
                AnalyzeFacesPlugin.store(), eng, where)) {
            ImageResult r = lease.analyzer().analyze(name == null ? "the image" : name, rgb, progress);
            if (r.isFailed()) {
                fail(title() + ": " + r.failure());
                return;
            }
            List<Map<String, Object>> out = FacesCsv.records(r);
            rows = new FaceRows(name == null ? withoutName(out) : out);
        } catch (FaceAttrException e) {
            fail(title() + ": " + e.getMessage());
        } catch (CancelledException e) {
            fail(title() + ": cancelled");
        } finally {
            progress.done();
        }
    }

    private void fail(String message) {
        Commands.fail(this, log, message);
    }

    /** An unnamed image's rows carry a null {@code image}, not the placeholder used in messages. */
    private static List<Map<String, Object>> withoutName(List<Map<String, Object>> rows) {
        return rows.stream().map(m -> {
            Map<String, Object> c = new java.util.LinkedHashMap<>(m);
            c.put("image", null);
            return java.util.Collections.unmodifiableMap(c);
        }).toList();
    }
}
