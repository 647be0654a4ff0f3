package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Engines;
import faceattr.model.Architecture;
import java.io.PrintStream;
import java.net.URL;
import java.util.List;
import java.util.Map;

/** {@code faceattr info}: versions, engine, device, where the natives and weights come from. */
final class InfoCommand {
    static final String USAGE = "faceattr info [--architecture [--branch K] [--input N]]";

    private InfoCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = new Args(argv, java.util.Set.of("branch", "input"), java.util.Set.of("architecture"));
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("info takes no positional arguments");
        }
        if (a.flag("architecture")) {
            String branch = a.string("branch", null);
            try {
                out.print(Architecture.info(branch == null ? null : a.integer("branch", 0), a.integer("input", 112)));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
            return 0;
        }
        if (a.string("branch", null) != null || a.string("input", null) != null) {
            throw new Args.UsageException("--branch and --input go with --architecture");
        }
        out.println("faceattr " + Main.version());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        try {
            for (Map.Entry<String, String> e : Engines.info().entrySet()) {
                out.println(e.getKey() + " " + e.getValue());
            }
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
}
