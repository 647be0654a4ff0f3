package faceattr.estimate;

import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TmpExportProbeTest {
    @Test
    void make() throws Exception {
        ModelConfig c = ModelConfig.DEFAULT;
        try (ai.djl.ndarray.NDManager m = faceattr.engine.Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(c);
            net.initialize(m);
            try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net, MultiTaskEstimator.defaultCard("demo", c))) {
                e.save(Path.of("/tmp/exp/demo-model"), MultiTaskEstimator.defaultCard("demo", c));
            }
        }
        try (MultiTaskEstimator e = MultiTaskEstimator.open(Path.of("/tmp/exp/demo-model"))) {
            faceattr.core.RgbImage img = faceattr.io.ImageFiles.read(Path.of("sample-data/astronaut.png"));
            faceattr.core.RgbImage crop = faceattr.image.ImageOps.resize(img, c.inputSize(), c.inputSize());
            faceattr.io.ImageFiles.writePng(crop, Path.of("/tmp/exp/crop.png"));
            FaceAttributes a = e.estimate(java.util.List.of(crop)).get(0);
            Files.writeString(Path.of("/tmp/exp/java.txt"), a.ageMean() + " " + java.util.Arrays.toString(a.probabilities(faceattr.labels.Task.GENDER)) + "\n");
        }
    }
}
