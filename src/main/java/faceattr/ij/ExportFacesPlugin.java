package faceattr.ij;

import faceattr.analysis.FaceRoiSet;
import faceattr.core.FaceAttrException;
import faceattr.curate.DatasetExporter;
import faceattr.curate.DetectionExporter;
import faceattr.curate.ExportFace;
import faceattr.curate.ReviewFace;
import faceattr.data.DatasetKind;
import faceattr.data.LoadReport;
import faceattr.detect.Box;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.Roi;
import ij.io.FileInfo;
import ij.plugin.PlugIn;
import ij.plugin.frame.RoiManager;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plugins &gt; Face Attributes &gt; Export Face Dataset: writes the current image's analysed (and
 * reviewed) faces as a dataset for training (docs/export.md). Macro keys (docs/contracts.md):
 * {@value #KEY_FOLDER} (the dataset folder), {@value #KEY_FORMAT} (utkface, fairface, rafdb,
 * faceattr or wider), and the checkboxes {@code all} (also unreviewed faces) and {@code overwrite}.
 */
public final class ExportFacesPlugin implements PlugIn {
    /** The menu command. */
    public static final String COMMAND = "Export Face Dataset";
    /** Macro key: the dataset folder. */
    public static final String KEY_FOLDER = "folder";
    /** Macro key: the format. */
    public static final String KEY_FORMAT = "format";

    @Override
    public void run(String arg) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            IJ.noImage();
            return;
        }
        RoiManager rm = RoiManager.getInstance();
        if (rm == null) {
            DetectFacesPlugin.error(COMMAND, "no ROI Manager: run Analyze Faces first");
            return;
        }
        boolean macro = Macro.getOptions() != null;
        GenericDialog gd = new GenericDialog(COMMAND);
        gd.addDirectoryField("Folder (new dataset):", "", 40);
        gd.addChoice("Format:", new String[] {"faceattr", "utkface", "fairface", "rafdb", "wider"}, "faceattr");
        gd.addCheckbox("All faces (not only reviewed ones)", false);
        gd.addCheckbox("Overwrite an existing dataset", false);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        String folder = gd.getNextString().trim();
        String formatKey = gd.getNextChoice();
        boolean all = gd.getNextBoolean();
        boolean overwrite = gd.getNextBoolean();
        if (folder.isEmpty()) {
            DetectFacesPlugin.error(COMMAND, "give the " + KEY_FOLDER + " of the new dataset");
            return;
        }
        if (imp.getStackSize() > 1) {
            DetectFacesPlugin.error(COMMAND, "'" + imp.getTitle() + "' is a stack; the export cuts faces from the image "
                    + "file and supports single images only so far: save each slice as its own image");
            return;
        }
        FileInfo fi = imp.getOriginalFileInfo();
        if (fi == null || fi.directory == null || fi.directory.isEmpty()) {
            DetectFacesPlugin.error(COMMAND, "'" + imp.getTitle() + "' has no file: save it first, so that the "
                    + "export can cut the faces from it and name it as their source");
            return;
        }
        Path image = Path.of(fi.directory, fi.fileName);
        try {
            List<ExportFace> faces = faces(imp, Arrays.asList(rm.getRoisAsArray()), image);
            if (formatKey.equals("wider")) {
                DetectionExporter.Result r = DetectionExporter.export(faces, Path.of(folder), !all, overwrite,
                        new IjProgress(COMMAND));
                IJ.log(COMMAND + ": " + r.summary());
                IJ.showStatus(COMMAND + ": " + r.report().used() + " faces and " + r.hardNegatives()
                        + " hard negatives exported to " + folder);
            } else {
                LoadReport r = DatasetExporter.export(faces, DatasetKind.of(formatKey), Path.of(folder),
                        new DatasetExporter.Options(!all, overwrite, 0), new IjProgress(COMMAND));
                IJ.log(COMMAND + ": " + r.summary().replaceFirst(": (\\d+) used", ": $1 exported"));
                IJ.showStatus(COMMAND + ": " + r.used() + " faces exported to " + folder);
            }
        } catch (FaceAttrException e) {
            DetectFacesPlugin.error(COMMAND, e.getMessage());
        } catch (faceattr.core.CancelledException e) {
            IJ.showStatus(COMMAND + ": cancelled; nothing was written");
        }
        if (!macro) {
            IJ.showProgress(1.0);
        }
    }

    /** The image's face ROIs as faces to export (labels and review state from their properties). */
    static List<ExportFace> faces(ImagePlus imp, List<Roi> rois, Path image) {
        List<ExportFace> out = new ArrayList<>();
        List<ReviewFace> review = ReviewBridge.faces(rois, imp.getTitle());
        int n = 0;
        for (Roi r : rois) {
            if (!FaceRois.isOwn(r, imp.getTitle()) || r.getProperty(FaceRoiSet.LANDMARKS) == null) {
                continue;
            }
            ReviewFace f = review.stream().filter(x -> x.roi().equals(r.getName())).findFirst().orElse(null);
            if (f == null) {
                continue; // detected but not analysed: no labels to export
            }
            Rectangle b = r.getBounds();
            n++;
            out.add(new ExportFace(image.toString(), n, new Box(b.x, b.y, b.width, b.height),
                    FaceRoiSet.parseLandmarks(r.getProperty(FaceRoiSet.LANDMARKS)), f.labels(), f.reviewed(), f.notAFace(),
                    r.getProperty("model")));
        }
        return out;
    }
}
