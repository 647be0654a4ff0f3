// Analyze Faces (detect, then estimate age, gender, race and emotion) on one image and save the results.
//
// Usage (arguments are key=value pairs separated by spaces; put values with spaces in [brackets]):
//   imagej -batch macros/analyze_faces.ijm "image=/data/photo.png out=/data/results"
//   imagej -batch macros/analyze_faces.ijm "image=[/my data/photo.png] out=/tmp/r min_face=40 threshold=0.8"
// Keys:
//   image      the image to open (default: sample-data/astronaut.png under the working directory)
//   out        output folder (default: <temp>/faceattr-detect), created if missing
//   min_face   smallest face side in pixels (default 20)
//   threshold  O-Net face probability (default 0.7)
//   model      "reference" (the bundled face-api estimators, default) or a trained model folder
//   engine     inference engine: onnxruntime (default) or pytorch (the reference path)
//   rois       optional ROI set (.zip or .roi) to load into the ROI Manager first; the detection
//              replaces only the face ROIs it made earlier for this image and keeps all others
// Writes, like the command line tool:
//   <out>/faces.csv                  one row per face with its attributes (the Results table,
//                                    columns of docs/contracts.md)
//   <out>/rois/<image name>.zip      the ROI Manager's ROIs (faces with attribute properties, and any
//                                    loaded ones)
// and prints "faceattr: faces=N roi_count=M" (M = roiManager("count") after the run).

arg = getArgument();
sep = File.separator;
image = argValue(arg, "image", getDir("cwd") + "sample-data" + sep + "astronaut.png");
out = argValue(arg, "out", getDir("temp") + "faceattr-analyze");
minFace = argValue(arg, "min_face", "20");
threshold = argValue(arg, "threshold", "0.7");
rois = argValue(arg, "rois", "");
model = argValue(arg, "model", "reference");
engine = argValue(arg, "engine", "onnxruntime");

if (!File.exists(image))
    exit("analyze_faces.ijm: image not found: " + image + "\nPass image=<path>.");
if (!endsWith(out, sep) && !endsWith(out, "/"))
    out = out + sep;
File.makeDirectory(out);
File.makeDirectory(out + "rois");
if (!File.isDirectory(out + "rois"))
    exit("analyze_faces.ijm: cannot create the output folder " + out + "rois");

setBatchMode(true);
open(image);
id = getImageID();
name = File.nameWithoutExtension;
roiManager("reset");
run("Clear Results");
if (rois != "")
    roiManager("open", rois);

selectImage(id);
run("Analyze Faces", "min_face=" + minFace + " threshold=" + threshold + " model=[" + model + "] engine=" + engine);

faces = nResults;
count = roiManager("count");
csv = out + "faces.csv";
if (faces > 0)
    saveAs("Results", csv);
else
    File.saveString(replace(Table.headings, "\t", ",") + "\n", csv); // ImageJ saves no empty table
if (count > 0)
    roiManager("save", out + "rois" + sep + name + ".zip");
print("faceattr: faces=" + faces + " roi_count=" + count);
close("*");
setBatchMode(false);

// The value of key in "k1=v1 k2=[v 2]", or def when the key is missing.
function argValue(args, key, def) {
    s = " " + args + " ";
    i = indexOf(s, " " + key + "=");
    if (i < 0)
        return def;
    start = i + lengthOf(key) + 2;
    if (substring(s, start, start + 1) == "[") {
        end = indexOf(s, "]", start);
        if (end < 0)
            exit("analyze_faces.ijm: missing ] after " + key + "=");
        return substring(s, start + 1, end);
    }
    return substring(s, start, indexOf(s, " ", start));
}
