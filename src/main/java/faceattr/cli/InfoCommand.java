package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Engines;
import faceattr.model.Architecture;
import java.io.PrintStream;
import java.net.URL;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code faceattr info}: versions, engine, device, where the natives and weights come from. */
@Command(name = "info", description = "Versions, engine, device, natives and weights; or, with --architecture, "
        + "the attribute network's size.")
final class InfoCommand extends Subcommand {
    @Option(names = "--architecture", description = "Parameters and multiply-adds of the attribute network "
            + "per part, and a table over every branch point (docs/model.md).")
    private boolean architecture;

    @Option(names = "--branch", paramLabel = "K", description = "With --architecture: the branch point "
            + "(default: the configuration's).")
    private Integer branch;

    @Option(names = "--input", paramLabel = "N", description = "With --architecture: the input size "
            + "(default: 112).")
    private Integer input;

    @Option(names = "--engine", description = "For inference and for training: the engine and its version, where "
            + "its natives come from, the CUDA devices it can use, and when none, why and what to do (docs/gpu.md).")
    private boolean engines;

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        if (engines) {
            try {
                print(out, "inference", faceattr.engine.Accelerators.inference());
                print(out, "training", faceattr.engine.Accelerators.training());
            } catch (FaceAttrException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            return 0;
        }
        if (architecture) {
            out.print(Checks.usage(spec, () -> Architecture.info(branch, input == null ? 112 : input)));
            return 0;
        }
        if (branch != null || input != null) {
            throw new ParameterException(spec.commandLine(), "--branch and --input go with --architecture");
        }
        out.println("faceattr " + Main.version());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        try {
            for (Map.Entry<String, String> e : Engines.info().entrySet()) {
                out.println(e.getKey() + " " + e.getValue());
            }
            out.println("inference onnxruntime " + faceattr.engine.OrtNet.version() + " (default; --engine pytorch "
                    + "for the engine above)");
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        for (String f : new String[] {"pnet.tflite", "rnet.tflite", "onet.tflite"}) {
            URL u = RfemtcDetector.class.getResource(RfemtcDetector.WEIGHTS + f);
            out.println("weights " + f + " " + (u == null ? "MISSING (rebuild with mvn package)" : u));
        }
        out.println("allocator " + Main.allocator());
        return 0;
    }

    private static void print(PrintStream out, String what, faceattr.engine.Accelerators.Report r) {
        out.println(what + ": " + r.engine());
        out.println("  natives: " + r.natives());
        out.println("  cuda devices: " + (r.gpus().isEmpty() ? "none usable" : r.gpus().toString()));
        out.println("  gpu: " + (r.usable() ? "usable (--device auto picks gpu:" + r.gpus().get(0).index() + ")"
                : "not usable: " + r.reason()));
    }
}
