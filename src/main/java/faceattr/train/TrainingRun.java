package faceattr.train;

import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import faceattr.data.DatasetKind;
import faceattr.data.Loaded;
import faceattr.data.Sample;
import faceattr.data.Split;
import faceattr.data.Splits;
import faceattr.detect.DetectorSettings;
import faceattr.detect.RfemtcDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A whole training run from dataset specifications ({@code KIND:PATH}): load and report each
 * dataset, split, make crops (detecting faces where needed), train. The one path that
 * {@code faceattr train} and "Train Face Model" share.
 */
public final class TrainingRun {
    /** Card training-data keys of the split, read back by evaluation. */
    public static final String SPLIT_SEED = "split_seed";
    /** Card key: the validation fraction of unsplit datasets. */
    public static final String VAL_FRACTION = "val_fraction";
    /** Card key: the UTKFace age range kept, e.g. "21-60". */
    public static final String UTK_AGES = "utk_ages";

    private TrainingRun() {
    }

    /**
     * The split a model was trained with, from its card (defaults where the card does not say).
     *
     * @param trainingData the card's training data
     * @return the split options
     */
    public static Splits.Options splitOf(Map<String, Object> trainingData) {
        Splits.Options o = Splits.Options.DEFAULT;
        Object seed = trainingData.get(SPLIT_SEED);
        Object frac = trainingData.get(VAL_FRACTION);
        o = new Splits.Options(frac instanceof Number n ? n.doubleValue() : o.valFraction(),
                seed instanceof Number n ? n.longValue() : o.seed(), null, null);
        Object ages = trainingData.get(UTK_AGES);
        if (ages instanceof String a && a.matches("\\d+-\\d+")) {
            String[] p = a.split("-");
            o = o.ageRange(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        }
        return o;
    }

    /**
     * One {@code --data KIND:PATH}.
     *
     * @param kind the format
     * @param path the dataset folder
     */
    public record DataSpec(DatasetKind kind, Path path) {
    }

    /**
     * @param joined specifications separated by {@code ;}, as the ImageJ dialogs take them
     * @return the non-blank specifications, trimmed
     */
    public static List<String> split(String joined) {
        List<String> out = new ArrayList<>();
        for (String s : joined.split(";")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /**
     * @param data dataset specifications, e.g. {@code rafdb:/data/basic}
     * @return the kind and folder of each
     * @throws IllegalArgumentException naming the bad specification
     */
    public static List<DataSpec> parse(List<String> data) {
        List<DataSpec> out = new ArrayList<>();
        for (String spec : data) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("a dataset is KIND:PATH (KIND utkface, fairface, rafdb or faceattr), "
                        + "got '" + spec + "'");
            }
            out.add(new DataSpec(DatasetKind.of(spec.substring(0, colon)), Path.of(spec.substring(colon + 1))));
        }
        return out;
    }

    /**
     * @param data dataset specifications ({@code KIND:PATH})
     * @param options the training options
     * @param split the split options
     * @param out the model folder to write
     * @param resume continue from the checkpoint beside {@code out}
     * @param progress progress and cancellation
     * @param log receives the dataset reports and the training log, line by line
     * @return the result
     * @throws FaceAttrException when a dataset cannot be read, nothing is left to train on, a file
     *     cannot be written or training diverges
     */
    public static FaceTrainer.Result run(List<String> data, TrainOptions options, Splits.Options split, Path out,
            boolean resume, Progress progress, Consumer<String> log) throws FaceAttrException {
        return run(data, options, split, out, resume, progress, log, -1);
    }

    /**
     * As {@link #run(List, TrainOptions, Splits.Options, Path, boolean, Progress, Consumer)} on a
     * device.
     *
     * @param data dataset specifications
     * @param options the training options
     * @param split the split options
     * @param out the model folder to write
     * @param resume continue from the checkpoint
     * @param progress progress and cancellation
     * @param log the training log
     * @param gpu the GPU to train on, or -1 for the CPU
     * @return the result
     * @throws FaceAttrException as the other overload
     */
    /**
     * @param detector detector settings
     * @return what the crop cache is keyed by: the settings and, for a fine-tuned detector, when its
     *     folder was written (a detector trained again into the same folder cuts new crops)
     * @throws FaceAttrException when the detector folder is not readable
     */
    static String cropKey(DetectorSettings detector) throws FaceAttrException {
        return detector.toString() + (detector.detector() == null ? ""
                : " " + faceattr.detect.DetectorFolder.read(detector.detector()).fields().get("created"));
    }

    public static FaceTrainer.Result run(List<String> data, TrainOptions options, Splits.Options split, Path out,
            boolean resume, Progress progress, Consumer<String> log, int gpu) throws FaceAttrException {
        return run(data, options, split, out, resume, progress, log, gpu, DetectorSettings.DEFAULT);
    }

    /**
     * As the other overloads, with the detector that cuts the crops of unaligned images.
     *
     * @param data the datasets
     * @param options the training options
     * @param split how datasets without their own split are split
     * @param out the model folder to write
     * @param resume continue from the checkpoint
     * @param progress progress and cancellation
     * @param log the training log
     * @param gpu the GPU to train on, or -1 for the CPU
     * @param detector the detector settings, a fine-tuned detector folder among them
     * @return the result
     * @throws FaceAttrException as the other overload
     */
    public static FaceTrainer.Result run(List<String> data, TrainOptions options, Splits.Options split, Path out,
            boolean resume, Progress progress, Consumer<String> log, int gpu, DetectorSettings detector)
            throws FaceAttrException {
        List<Sample> samples = new ArrayList<>();
        for (DataSpec d : parse(data)) {
            Loaded l = d.kind().load(d.path());
            log.accept(l.report().summary());
            samples.addAll(l.samples());
        }
        List<Sample> split0 = Splits.apply(samples, split);
        log.accept(String.format(Locale.ROOT, "training on %d samples, validating on %d",
                Splits.of(split0, Split.TRAIN).size(), Splits.of(split0, Split.VAL).size()));
        CropSource crops = new CropSource(options.inputSize(), FaceTrainer.trainingDir(out).resolve("crops"), () -> {
            try {
                return RfemtcDetector.create(detector);
            } catch (FaceAttrException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, cropKey(detector));
        try {
            Map<String, Object> notes = new java.util.LinkedHashMap<>();
            notes.put(SPLIT_SEED, split.seed());
            notes.put(VAL_FRACTION, split.valFraction());
            if (split.minAge() != null) {
                notes.put(UTK_AGES, split.minAge() + "-" + split.maxAge());
            }
            return new FaceTrainer(options, gpu).run(split0, crops, out, resume, progress, log, notes);
        } finally {
            crops.close();
        }
    }
}
