package faceattr.detect;

/**
 * Settings of the RFEMTC cascade, with the MTCNN defaults from docs/detection.md. Immutable; use
 * {@link #builder()} ({@code optX} setters, everything optional).
 *
 * @param minFace smallest face side searched for, in pixels of the original image; when the image is
 *     downscaled for {@code maxSide}, faces below 12 pixels of the downscaled copy cannot be found
 * @param scaleFactor ratio between pyramid levels
 * @param pnetThreshold face probability to keep a P-Net window (kept when {@code >=}, as in MTCNN)
 * @param rnetThreshold face probability to keep an R-Net candidate (kept when {@code >})
 * @param onetThreshold face probability to keep an O-Net face (kept when {@code >}; the "threshold" macro key)
 * @param nmsPerScale IoU for NMS within one pyramid scale
 * @param nmsAcrossScales IoU for NMS over all P-Net candidates
 * @param nmsRnet IoU for NMS after R-Net
 * @param nmsOnet "min" overlap for NMS after O-Net
 * @param maxSide images whose longer side exceeds this are downscaled for detection (0 = never)
 * @param rfe whether the receptive-field enhancement blocks are part of the nets
 * @param detector a fine-tuned detector folder ({@link DetectorFolder}) whose weights replace the
 *     pretrained ones, or null for the pretrained cascade; its card decides whether the blocks are
 *     part of the nets
 */
public record DetectorSettings(double minFace, double scaleFactor, double pnetThreshold, double rnetThreshold,
        double onetThreshold, double nmsPerScale, double nmsAcrossScales, double nmsRnet, double nmsOnet,
        int maxSide, boolean rfe, java.nio.file.Path detector) {

    /** The defaults. */
    public static final DetectorSettings DEFAULT = builder().build();

    /** Validates. */
    public DetectorSettings {
        if (!(minFace >= 12)) {
            throw new IllegalArgumentException("min_face must be at least 12 pixels (P-Net's window), got " + minFace);
        }
        if (!(scaleFactor > 0.1 && scaleFactor < 1)) {
            throw new IllegalArgumentException("scale factor must be in (0.1, 1), got " + scaleFactor);
        }
        for (double t : new double[] {pnetThreshold, rnetThreshold, onetThreshold, nmsPerScale, nmsAcrossScales,
                nmsRnet, nmsOnet}) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("thresholds and NMS overlaps must be in [0, 1], got " + t);
            }
        }
        if (maxSide < 0) {
            throw new IllegalArgumentException("max side must be >= 0, got " + maxSide);
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised with these settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.minFace = minFace;
        b.scaleFactor = scaleFactor;
        b.pnet = pnetThreshold;
        b.rnet = rnetThreshold;
        b.onet = onetThreshold;
        b.nmsScale = nmsPerScale;
        b.nmsAll = nmsAcrossScales;
        b.nmsR = nmsRnet;
        b.nmsO = nmsOnet;
        b.maxSide = maxSide;
        b.rfe = rfe;
        b.detector = detector;
        return b;
    }

    /** Builder of {@link DetectorSettings}. */
    public static final class Builder {
        private double minFace = 20;
        private double scaleFactor = 0.709;
        private double pnet = 0.6;
        private double rnet = 0.7;
        private double onet = 0.7;
        private double nmsScale = 0.5;
        private double nmsAll = 0.7;
        private double nmsR = 0.7;
        private double nmsO = 0.7;
        private int maxSide = 4096;
        private boolean rfe = false;
        private java.nio.file.Path detector;

        private Builder() {
        }

        /** @param px smallest face, in pixels (default 20) @return this */
        public Builder optMinFace(double px) {
            minFace = px;
            return this;
        }

        /** @param f pyramid factor (default 0.709) @return this */
        public Builder optScaleFactor(double f) {
            scaleFactor = f;
            return this;
        }

        /** @param p P-Net, R-Net, O-Net thresholds (default 0.6, 0.7, 0.7) @param r R-Net @param o O-Net @return this */
        public Builder optThresholds(double p, double r, double o) {
            pnet = p;
            rnet = r;
            onet = o;
            return this;
        }

        /** @param o the final (O-Net) threshold @return this */
        public Builder optThreshold(double o) {
            onet = o;
            return this;
        }

        /**
         * @param perScale IoU within a scale (0.5) @param acrossScales IoU across scales (0.7)
         * @param afterRnet IoU after R-Net (0.7) @param afterOnet min-overlap after O-Net (0.7)
         * @return this
         */
        public Builder optNms(double perScale, double acrossScales, double afterRnet, double afterOnet) {
            nmsScale = perScale;
            nmsAll = acrossScales;
            nmsR = afterRnet;
            nmsO = afterOnet;
            return this;
        }

        /** @param px longest side searched at full resolution (default 4096; 0 = no limit) @return this */
        public Builder optMaxSide(int px) {
            maxSide = px;
            return this;
        }

        /**
         * @param folder a fine-tuned detector folder, or null for the pretrained cascade (the default)
         * @return this builder
         */
        public Builder optDetector(java.nio.file.Path folder) {
            detector = folder;
            return this;
        }

        /** @param on include the receptive-field enhancement blocks (default false) @return this */
        public Builder optRfe(boolean on) {
            rfe = on;
            return this;
        }

        /** @return the settings */
        public DetectorSettings build() {
            return new DetectorSettings(minFace, scaleFactor, pnet, rnet, onet, nmsScale, nmsAll, nmsR, nmsO, maxSide,
                    rfe, detector);
        }
    }
}
