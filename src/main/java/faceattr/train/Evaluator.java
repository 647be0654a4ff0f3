package faceattr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.core.RgbImage;
import faceattr.data.Loaded;
import faceattr.data.Sample;
import faceattr.data.Split;
import faceattr.data.Splits;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.estimate.AttributeTranslator;
import faceattr.io.AtomicFiles;
import faceattr.io.Json;
import faceattr.io.Plots;
import faceattr.labels.LabelSet;
import faceattr.model.ModelConfig;
import faceattr.model.ModelConfigJson;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code faceattr eval} and "Evaluate Face Model": runs a model folder on datasets and writes
 * {@code metrics.json}, {@code report.md} and PNG plots (a confusion matrix per task, and the
 * training curves when the model's {@code <name>.training/history.csv} is beside it).
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The evaluation's figures.
     *
     * @param overall every metric over all samples
     * @param byDataset the metrics per dataset kind
     * @param byGroup the metrics per gender and race group (fairness audit)
     * @param confusions per task, counts [true][predicted]
     */
    public record Report(Map<String, Double> overall, Map<String, Map<String, Double>> byDataset,
            Map<String, Map<String, Double>> byGroup, Map<String, int[][]> confusions) {
    }

    /**
     * @param modelDir a trained model folder
     * @param data dataset specifications ({@code KIND:PATH})
     * @param split the split options; datasets without their own split are split with them and
     *     their validation part evaluated
     * @param all evaluate every sample instead of the validation parts
     * @param out the report folder (created; files are replaced)
     * @param progress progress and cancellation
     * @param log one line per dataset report and skipped sample
     * @return the figures
     * @throws FaceAttrException when the model or a dataset cannot be read or the report written
     */
    public static Report run(Path modelDir, List<String> data, Splits.Options split, boolean all, Path out,
            Progress progress, Consumer<String> log) throws FaceAttrException {
        return run(modelDir, data, split, all, out, progress, log, -1);
    }

    /**
     * As {@link #run(Path, List, Splits.Options, boolean, Path, Progress, Consumer)}, the network on
     * a device.
     *
     * @param modelDir a trained model folder
     * @param data dataset specifications
     * @param split the split options
     * @param all evaluate every sample
     * @param out the report folder
     * @param progress progress and cancellation
     * @param log the log
     * @param gpu the GPU, or -1 for the CPU
     * @return the figures
     * @throws FaceAttrException as the other overload
     */
    public static Report run(Path modelDir, List<String> data, Splits.Options split, boolean all, Path out,
            Progress progress, Consumer<String> log, int gpu) throws FaceAttrException {
        return run(modelDir, data, split, all, out, progress, log, gpu, DetectorSettings.DEFAULT);
    }

    /**
     * As the other overloads, with the detector that cuts the crops of unaligned images.
     *
     * @param modelDir the model folder
     * @param data the datasets
     * @param split the split of datasets without their own
     * @param all evaluate every sample
     * @param out the report folder
     * @param progress progress and cancellation
     * @param log the log
     * @param gpu the GPU, or -1 for the CPU
     * @param detector the detector settings, a fine-tuned detector folder among them
     * @return the figures
     * @throws FaceAttrException as the other overload
     */
    public static Report run(Path modelDir, List<String> data, Splits.Options split, boolean all, Path out,
            Progress progress, Consumer<String> log, int gpu, DetectorSettings detector) throws FaceAttrException {
        ModelFolder folder = ModelFolder.read(modelDir);
        ModelConfig config;
        try {
            config = ModelConfigJson.fromMap(folder.card().architecture());
        } catch (IllegalArgumentException e) {
            throw new FaceAttrException(modelDir, "the model card's architecture is not usable: " + e.getMessage(), e);
        }
        List<Sample> samples = new ArrayList<>();
        for (TrainingRun.DataSpec d : TrainingRun.parse(data)) {
            Loaded l = d.kind().load(d.path());
            log.accept(l.report().summary());
            samples.addAll(l.samples());
        }
        List<Sample> chosen = all ? samples : Splits.of(Splits.apply(samples, split), Split.VAL);
        CropSource crops = new CropSource(config.inputSize(), null, () -> {
            try {
                return RfemtcDetector.create(detector);
            } catch (FaceAttrException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, TrainingRun.cropKey(detector));
        List<Evaluation.Prediction> predictions = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        try (NDManager manager = Engines.newManager(gpu)) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(manager);
            int loaded = Weights.loadMatching(folder, net);
            int needed = net.getParameters().size();
            if (loaded != needed) {
                throw new FaceAttrException(modelDir, "only " + loaded + " of the network's " + needed + " tensors "
                        + "match the model's parameters; the folder does not hold the model its card describes", null);
            }
            net.freezeParameters(true);
            ParameterStore ps = new ParameterStore(manager, false);
            Set<String> unusable = new HashSet<>();
            int batch = 32;
            for (int from = 0; from < chosen.size(); from += batch) {
                progress.checkCancelled();
                progress.report(from / (double) Math.max(1, chosen.size()), "evaluating " + from + "/" + chosen.size());
                List<RgbImage> c = new ArrayList<>();
                List<LabelSet> l = new ArrayList<>();
                for (Sample s : chosen.subList(from, Math.min(chosen.size(), from + batch))) {
                    try {
                        c.add(crops.crop(s));
                        l.add(s.labels());
                        sources.add(s.source());
                    } catch (CropSource.Unusable e) {
                        if (unusable.add(s.id())) {
                            log.accept("skipped " + s.source() + " " + e.getMessage());
                        }
                    }
                }
                if (c.isEmpty()) {
                    continue;
                }
                try (NDManager sub = manager.newSubManager(); Autograd.Scope noGrad = Autograd.disable()) {
                    NDArray x = sub.create(AttributeTranslator.normalise(c, folder.card().pixelScale(),
                            folder.card().mean(), folder.card().std()), new Shape(c.size(), 3, config.inputSize(),
                            config.inputSize()));
                    NDList logits = net.forward(ps, new NDList(x), false);
                    predictions.addAll(Evaluation.predictions(Batches.allTasks(logits, config, sub), l,
                            config.tasks(), config.ageBins()));
                }
            }
        } finally {
            crops.close();
        }
        Map<String, Map<String, Double>> byDataset = new LinkedHashMap<>();
        for (String src : new java.util.LinkedHashSet<>(sources)) {
            List<Evaluation.Prediction> part = new ArrayList<>();
            for (int i = 0; i < predictions.size(); i++) {
                if (sources.get(i).equals(src)) {
                    part.add(predictions.get(i));
                }
            }
            byDataset.put(src, Evaluation.metrics(part));
        }
        Report r = new Report(Evaluation.metrics(predictions), byDataset, Evaluation.byGroup(predictions),
                Evaluation.confusions(predictions));
        write(r, folder.card().name(), modelDir, out);
        progress.report(1, "evaluated " + predictions.size() + " faces");
        return r;
    }

    private static void write(Report r, String model, Path modelDir, Path out) throws FaceAttrException {
        try {
            Files.createDirectories(out);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", model);
            json.put("overall", r.overall());
            json.put("by_dataset", r.byDataset());
            json.put("by_group", r.byGroup());
            Map<String, Object> conf = new LinkedHashMap<>();
            r.confusions().forEach((k, v) -> {
                Map<String, Object> c = new LinkedHashMap<>(); // in this order in every run, unlike Map.of
                c.put("classes", Evaluation.classes(k));
                c.put("counts", v);
                conf.put(k, c);
            });
            json.put("confusion", conf);
            String text = Json.write(Json.toTree(json));
            AtomicFiles.write(out.resolve("metrics.json"), tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
            List<String> plots = new ArrayList<>();
            for (Map.Entry<String, int[][]> e : r.confusions().entrySet()) {
                String name = "confusion_" + e.getKey() + ".png";
                Plots.confusion(e.getKey(), Evaluation.classes(e.getKey()), e.getValue(), out.resolve(name));
                plots.add(name);
            }
            if (History.plot(modelDir, out.resolve("training_curves.png"))) {
                plots.add("training_curves.png");
            }
            String md = Reports.markdown(model, r, plots);
            AtomicFiles.write(out.resolve("report.md"), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FaceAttrException(out, "cannot write the report (" + e.getMessage() + ")", e);
        }
    }

    /** Number formatting shared by the report. */
    static String fmt(Double v, String key) {
        if (v == null) {
            return "–";
        }
        return key.equals("n") ? String.format(Locale.ROOT, "%.0f", v)
                : key.startsWith("age_mae") ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
