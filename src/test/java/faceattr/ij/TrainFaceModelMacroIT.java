package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.data.DatasetFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ImageJ runs "Train Face Model", then "Evaluate Face Model", from a macro on a generated RAF-DB folder. */
class TrainFaceModelMacroIT {
    @TempDir
    Path tmp;

    @Test
    void trainsFromAMacroAndWritesAModelFolder() throws Exception {
        Path raf = tmp.resolve("raf db");
        DatasetFixtures.rafdb(raf, List.of(1, 2, 3, 4, 5, 6, 7, 4), List.of(4, 7, 1), DatasetFixtures.GREY);
        Path model = tmp.resolve("model");
        Path macro = tmp.resolve("train.ijm");
        Files.writeString(macro, "run(\"Train Face Model\", \"data=[rafdb:" + raf + "] out=[" + model
                + "] epochs=1 batch=4\");\nprint(\"faceattr: trained\");\n"
                + "run(\"Evaluate Face Model\", \"model=[" + model + "] data=[rafdb:" + raf + "] out=[" + tmp.resolve("report")
                + "] device=cpu\");\n"
                // The last line: an error aborts the macro. No GPU here, so the key's reason is logged.
                + "run(\"Evaluate Face Model\", \"model=[" + model + "] data=[rafdb:" + raf + "] out=["
                + tmp.resolve("report2") + "] device=gpu\");\n");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(macro, "", tmp);
        assertTrue(run.output().contains("Train Face Model: rafdb"), run.output());
        assertTrue(run.output().contains("Train Face Model: epoch 1/1: val_loss="), run.output());
        assertTrue(run.output().contains("faceattr: trained"), run.output());
        assertTrue(Files.exists(model.resolve("model.json")), run.output());
        assertTrue(Files.exists(faceattr.train.FaceTrainer.trainingDir(model).resolve("history.csv")), run.output());
        assertTrue(Files.exists(tmp.resolve("report/report.md")) && Files.exists(tmp.resolve("report/metrics.json")),
                run.output());
        assertTrue(run.output().contains("Evaluate Face Model: {n="), run.output());
        if (!faceattr.engine.Accelerators.training().usable()) {
            assertTrue(run.output().contains("Evaluate Face Model: --device gpu:0: no usable GPU for training"),
                    run.output());
            assertTrue(!Files.exists(tmp.resolve("report2")), "nothing written without the GPU asked for");
        }
    }
}
