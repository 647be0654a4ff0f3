import java.io.File;
import java.util.List;
import org.scijava.Context;
import org.scijava.module.Module;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptService;

/**
 * Run by FijiBundleIT in a JVM of its own: the Fiji bundle, what Fiji ships (ImageJ 1, SciJava
 * Common, parsington, ImgLib2) and Jython 2.7 (Fiji ships it too). Runs a Jython script of
 * docs/scripting through SciJava's script service, as Fiji's Script Editor does, with Jython's
 * JSR-223 engine adapted in place of Fiji's scripting-jython. Arguments: the script, an image.
 */
public class FijiLikeJython {
    public static void main(String[] args) throws Exception {
        try (Context context = new Context()) {
            ScriptService scripts = context.service(ScriptService.class);
            AdaptedScriptLanguage python = new AdaptedScriptLanguage("python");
            context.inject(python);
            scripts.getIndex().add(python);
            ij.ImagePlus imp = ij.IJ.openImage(args[1]);
            Module m = scripts.run(new File(args[0]), true, "imp", imp, "model", "reference").get();
            for (Object row : (List<?>) m.getOutput("rows")) {
                System.out.println("JYTHON_ROW " + row);
            }
        }
    }
}
