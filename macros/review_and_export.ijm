// Analyze the faces of one image, review their labels, and export them as a training dataset.
//
// Usage (key=value pairs separated by spaces; values with spaces in [brackets]):
//   imagej macros/review_and_export.ijm "image=/data/photo.png dataset=/data/my-dataset"
//   imagej -batch macros/review_and_export.ijm "image=... dataset=... review=false all=true"
// Keys:
//   image     the image (default: sample-data/astronaut.png under the working directory)
//   dataset   the new dataset folder (must not exist, or overwrite=true)
//   format    faceattr (default), utkface, fairface or rafdb
//   model     the estimator for Analyze Faces (default: reference)
//   review    true (default): open Review Face Labels and wait until you click OK; false: skip
//   all       false (default): export reviewed faces only; true: every face
//   overwrite false (default)
// Then train on it: faceattr train --data faceattr:<dataset> --out <model> (or Train Face Model).
// Prints "faceattr: exported" and the export summary in the Log.

arg = getArgument();
sep = File.separator;
image = argValue(arg, "image", getDir("cwd") + "sample-data" + sep + "astronaut.png");
dataset = argValue(arg, "dataset", "");
format = argValue(arg, "format", "faceattr");
model = argValue(arg, "model", "reference");
review = argValue(arg, "review", "true");
all = argValue(arg, "all", "false");
overwrite = argValue(arg, "overwrite", "false");
if (dataset == "")
    exit("review_and_export.ijm: give dataset=<new folder>");
if (!File.exists(image))
    exit("review_and_export.ijm: image not found: " + image);

open(image);
roiManager("reset");
run("Clear Results");
run("Analyze Faces", "min_face=20 threshold=0.7 model=[" + model + "]");
if (review == "true") {
    run("Review Face Labels");
    waitForUser("Review the faces (the keys are listed in the window), then click OK to export.");
}
options = "folder=[" + dataset + "] format=" + format;
if (all == "true")
    options = options + " all";
if (overwrite == "true")
    options = options + " overwrite";
run("Export Face Dataset", options);
print("faceattr: exported");

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
            exit("review_and_export.ijm: missing ] after " + key + "=");
        return substring(s, start + 1, end);
    }
    return substring(s, start, indexOf(s, " ", start));
}
