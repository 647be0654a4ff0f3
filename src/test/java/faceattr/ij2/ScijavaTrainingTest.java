package faceattr.ij2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.data.DatasetFixtures;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogMessage;
import org.scijava.log.LogService;

/** Training and evaluation through their SciJava commands, on a generated RAF-DB folder. */
class ScijavaTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void trainsThenEvaluatesThroughTheCommands() throws Exception {
        Path raf = tmp.resolve("raf db");
        DatasetFixtures.rafdb(raf, List.of(1, 2, 3, 4, 5, 6, 7, 4), List.of(4, 7, 1), DatasetFixtures.GREY);
        List<LogMessage> logged = new CopyOnWriteArrayList<>();
        try (Context context = new Context(CommandService.class, LogService.class)) {
            context.service(LogService.class).addLogListener(logged::add);
            CommandService commands = context.service(CommandService.class);
            File out = tmp.resolve("model").toFile();
            CommandModule train = commands.run(TrainFaceModelCommand.class, true, "data", "rafdb:" + raf, "out", out,
                    "epochs", 1, "batch", 4).get();
            assertFalse(train.isCanceled(), train.getCancelReason());
            assertEquals(out.getAbsoluteFile().toPath().normalize(),
                    ((File) train.getOutput("model")).getAbsoluteFile().toPath().normalize());
            assertEquals(1, train.getOutput("epochsRun"));
            assertEquals(1, train.getOutput("bestEpoch"));
            @SuppressWarnings("unchecked")
            Map<String, Double> best = (Map<String, Double>) train.getOutput("metrics");
            assertTrue(best.containsKey("val_loss"), best.toString());
            assertTrue(Files.exists(out.toPath().resolve("model.json")));
            assertTrue(logged.stream().anyMatch(l -> l.text().startsWith("Train Face Model: epoch 1/1: val_loss=")),
                    logged.toString());

            Path report = tmp.resolve("report");
            CommandModule eval = commands.run(EvaluateFaceModelCommand.class, true, "model", out, "data", "rafdb:" + raf,
                    "out", report.toFile()).get();
            assertFalse(eval.isCanceled(), eval.getCancelReason());
            @SuppressWarnings("unchecked")
            Map<String, Double> metrics = (Map<String, Double>) eval.getOutput("metrics");
            assertTrue(metrics.get("n") > 0, metrics.toString());
            assertEquals(report.resolve("report.md").toFile(), eval.getOutput("report"));
            assertTrue(Files.exists(report.resolve("metrics.json")));

            logged.clear();
            CommandModule bad = commands.run(TrainFaceModelCommand.class, true, "data", "imagenet:" + raf, "out",
                    tmp.resolve("other").toFile()).get();
            assertTrue(bad.isCanceled());
            assertTrue(bad.getCancelReason().startsWith("Train Face Model: ") && bad.getCancelReason()
                    .contains("imagenet"), bad.getCancelReason());
            assertNull(bad.getOutput("model"));
            assertTrue(logged.stream().allMatch(l -> l.throwable() == null), "no stack trace");
            assertFalse(Files.exists(tmp.resolve("other")), "nothing written");
        }
    }
}
