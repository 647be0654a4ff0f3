package faceattr.ij;

import faceattr.core.FaceAttrException;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import ij.IJ;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import java.nio.file.Path;

/**
 * Plugins &gt; Face Attributes &gt; Manage Face Models: lists, installs and removes the trained
 * models Analyze Faces can use ({@link ModelStore} under {@code <Fiji.app>/models/faceattr};
 * docs/models.md). Macro keys: {@value #KEY_ACTION} ({@code list}, {@code install},
 * {@code remove}), {@value #KEY_FOLDER} (install: the model folder), {@value #KEY_NAME} (install:
 * the name, default the folder's; remove: the model). Example:
 * {@code run("Manage Face Models", "action=install folder=/data/my-model");}
 */
public final class ManageModelsPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Manage Face Models";
    /** Macro key: what to do. */
    public static final String KEY_ACTION = "action";
    /** Macro key: the model folder to install. */
    public static final String KEY_FOLDER = "folder";
    /** Macro key: the model name. */
    public static final String KEY_NAME = "name";

    @Override
    public void run(String arg) {
        ModelStore store = AnalyzeFacesPlugin.store();
        boolean macro = Macro.getOptions() != null;
        GenericDialog gd = new GenericDialog(COMMAND);
        gd.addMessage("Models in " + store.root());
        gd.addChoice("Action:", new String[] {"list", "install", "remove"}, "list");
        gd.addDirectoryField("Folder of the model to install:", "", 30);
        gd.addStringField("Name (install: optional; remove: required):", "", 20);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String action = gd.getNextChoice();
        String folder = gd.getNextString().trim();
        String name = gd.getNextString().trim();
        try {
            switch (action) {
                case "install" -> {
                    if (folder.isEmpty()) {
                        DetectFacesPlugin.error(COMMAND, "give the " + KEY_FOLDER + " of the model to install");
                        return;
                    }
                    ModelStore.Installed m = store.install(Path.of(folder), name.isEmpty() ? null : name, false);
                    IJ.log(COMMAND + ": installed " + m.name() + " (" + m.card().name() + ") in " + m.dir());
                }
                case "remove" -> {
                    store.remove(name);
                    IJ.log(COMMAND + ": removed " + name);
                }
                default -> {
                    IJ.log(COMMAND + ": models in " + store.root());
                    IJ.log("  " + Estimators.REFERENCE + ": bundled face-api estimators (age, gender, emotion; no race)");
                    for (ModelStore.Installed m : store.list()) {
                        IJ.log("  " + m.name() + ": " + m.card().name() + ", created " + m.card().created());
                    }
                    for (String p : store.problems()) {
                        IJ.log("  not usable: " + p);
                    }
                    IJ.log("  default: " + Estimators.defaultChoice(store));
                }
            }
        } catch (FaceAttrException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        }
        if (!macro) {
            IJ.showStatus(COMMAND + ": " + action + " done");
        }
    }
}
