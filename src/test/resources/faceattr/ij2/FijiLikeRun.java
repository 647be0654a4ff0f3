import java.util.List;
import java.util.Map;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

/**
 * Run by FijiBundleIT as a single-file program in a JVM of its own, on exactly the class path a Fiji
 * install would give: the plugin jar and fiji/jars from our bundle, plus what Fiji ships itself
 * (ImageJ 1, SciJava Common, parsington, ImgLib2). The commands and the ImagePlus converter are
 * found through the jar's plugin index and run by class name. Arguments: an image file.
 */
public class FijiLikeRun {
    public static void main(String[] args) throws Exception {
        try (Context context = new Context()) {
            CommandService commands = context.service(CommandService.class);
            for (String command : List.of("faceattr.ij2.DetectFacesCommand", "faceattr.ij2.AnalyzeFacesCommand")) {
                ij.ImagePlus imp = new ij.ImagePlus(args[0]);
                CommandModule m = command.endsWith("AnalyzeFacesCommand")
                        ? commands.run(command, true, "image", imp, "model", "reference").get()
                        : commands.run(command, true, "image", imp).get();
                if (m.isCanceled()) {
                    System.out.println(command + " cancelled: " + m.getCancelReason());
                    System.exit(3);
                }
                for (Object row : (List<?>) m.getOutput("rows")) {
                    System.out.println(command + " row " + row);
                }
            }
        }
    }
}
