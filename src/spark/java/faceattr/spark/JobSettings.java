package faceattr.spark;

import faceattr.detect.DetectorSettings;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import java.io.Serializable;

/**
 * What every executor needs to open its pipeline, sent with the tasks: the same meaning and
 * defaults as {@code faceattr analyze}'s options.
 *
 * @param model {@code reference}, an installed model's name or a model folder (null: the default)
 * @param minFace smallest face side, pixels
 * @param threshold O-Net face probability
 * @param threads intra-op threads of each executor's pipeline
 * @param engine the inference engine's key
 * @param device the device key ({@code auto}: each executor takes a usable GPU of its own machine)
 * @param detectorFolder a detector folder (resolved on the driver; it must be readable at the same path on
 *     every executor, as model folders must), or null for the pretrained cascade
 */
record JobSettings(String model, double minFace, double threshold, int threads, String engine, String device,
        String detectorFolder) implements Serializable {

    DetectorSettings detector() {
        return DetectorSettings.builder().optMinFace(minFace).optThreshold(threshold)
                .optDetector(detectorFolder == null ? null : java.nio.file.Path.of(detectorFolder)).build();
    }

    InferenceEngine inferenceEngine() {
        return InferenceEngine.parse(engine);
    }

    DeviceChoice deviceChoice() {
        return DeviceChoice.parse(device);
    }
}
