package faceattr.data.detection;

import faceattr.core.FaceAttrException;
import java.nio.file.Path;
import java.util.Locale;

/** The detection set formats {@code --data KIND:PATH} of the detector commands accepts (docs/detection-training.md). */
public enum DetectionKind {
    /** WIDER FACE: {@code wider_face_split/wider_face_{train,val}_bbx_gt.txt} and {@code WIDER_{train,val}/images/}. */
    WIDER("wider"),
    /** CelebA's boxes and 5 landmarks (in the wild, or aligned crops); one face per photo. */
    CELEBA("celeba");

    /** The shorter side below which a face is an ignored region unless told otherwise: P-Net's window. */
    public static final double DEFAULT_MIN_SIZE = 12;

    private final String key;

    /**
     * @param split {@code train} or {@code val}
     * @return the file beside WIDER's annotations that holds the faces' 5 landmarks (our export's),
     *     in WIDER's entry layout with {@code x y w h} and 10 numbers (x, y of each point in
     *     {@link faceattr.detect.Landmarks}' order) per line
     */
    public static String landmarksFile(String split) {
        return "faceattr_landmarks_" + split + ".txt";
    }

    /**
     * @param split {@code train} or {@code val}
     * @return the file beside WIDER's annotations that holds the boxes a person marked "not a face"
     *     (our export's hard negatives), in WIDER's entry layout with {@code x y w h} lines
     */
    public static String hardNegativesFile(String split) {
        return "faceattr_hard_negatives_" + split + ".txt";
    }

    DetectionKind(String key) {
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
    public static DetectionKind of(String key) {
        for (DetectionKind k : values()) {
            if (k.key.equals(key.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown detection set kind '" + key + "': use wider or celeba");
    }

    /**
     * An annotated set as {@code --data KIND:PATH} names it.
     *
     * @param kind its format
     * @param path its folder
     */
    public record Source(DetectionKind kind, Path path) {
        /**
         * @param minSize faces whose shorter side is below this many pixels are ignored regions
         * @return the set ({@link DetectionKind#load})
         * @throws FaceAttrException as {@link DetectionKind#load}
         */
        public DetectionSet load(double minSize) throws FaceAttrException {
            return kind.load(path, minSize);
        }
    }

    /**
     * @param spec {@code KIND:PATH}, e.g. {@code wider:/data/WIDER_FACE}
     * @return the kind and folder
     * @throws IllegalArgumentException when it has no kind or an unknown one, saying what to give
     */
    public static Source parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("give KIND:PATH, e.g. wider:/data/WIDER_FACE, not '" + spec + "'");
        }
        return new Source(of(spec.substring(0, colon)), Path.of(spec.substring(colon + 1)));
    }

    /**
     * Reads the set's annotations; images are decoded later.
     *
     * @param root the set's folder
     * @param minSize faces whose shorter side is below this many pixels are ignored regions
     * @return the images with their faces, and what was skipped or ignored
     * @throws FaceAttrException when the folder or its annotation files are missing or unreadable
     */
    public DetectionSet load(Path root, double minSize) throws FaceAttrException {
        return switch (this) {
            case WIDER -> WiderFaceFormat.load(root, minSize);
            case CELEBA -> CelebAFormat.load(root, minSize);
        };
    }
}
