package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.detect.RfemtcDetector;
import faceattr.engine.Engines;
import java.io.PrintStream;
import java.net.URL;
import java.util.List;
import java.util.Map;

/** {@code faceattr info}: versions, engine, device, where the natives and weights come from. */
final class InfoCommand {
    static final String USAGE = "faceattr info";

    private InfoCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        if (!argv.isEmpty()) {
            throw new Args.UsageException("info takes no arguments");
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
