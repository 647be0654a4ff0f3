package faceattr.data;

import faceattr.core.FaceAttrException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The dataset formats {@code --data KIND:PATH} accepts (docs/contracts.md, docs/datasets.md).
 */
public enum DatasetKind {
    /** A folder of {@code [age]_[gender]_[race]_[date].jpg} files (also {@code .jpg.chip.jpg}). */
    UTKFACE("utkface"),
    /** The FairFace folder: {@code fairface_label_train.csv}, {@code fairface_label_val.csv}, images. */
    FAIRFACE("fairface"),
    /** The RAF-DB basic folder: {@code EmoLabel/list_patition_label.txt}, {@code Image/aligned/}. */
    RAFDB("rafdb"),
    /** Our own export ({@code faceattr export --format faceattr}): {@code labels.csv} and crops. */
    FACEATTR("faceattr");

    private final String key;

    DatasetKind(String key) {
        this.key = key;
    }

    /** @return the name used on the command line */
    public String key() {
        return key;
    }

    /**
     * @param key a kind's name, any case
     * @return the kind
     * @throws IllegalArgumentException naming the accepted kinds
     */
    public static DatasetKind of(String key) {
        for (DatasetKind k : values()) {
            if (k.key.equals(key.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown dataset kind '" + key + "': use utkface, fairface, rafdb or faceattr");
    }

    /**
     * Reads the dataset's index (file names, CSVs, label lists); images are decoded later.
     *
     * @param root the dataset folder
     * @return the samples and what was skipped
     * @throws FaceAttrException when the folder or its index file is missing or unreadable
     */
    public Loaded load(Path root) throws FaceAttrException {
        return switch (this) {
            case UTKFACE -> UtkFaceFormat.load(root);
            case FAIRFACE -> FairFaceFormat.load(root);
            case RAFDB -> RafDbFormat.load(root);
            case FACEATTR -> FaceattrFormat.load(root);
        };
    }
}
