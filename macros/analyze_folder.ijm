// Analyze Faces (detect, then estimate the attributes) on every image of a folder (not recursive),
// in batch mode.
//
// Usage (key=value pairs separated by spaces; put values with spaces in [brackets]):
//   imagej -batch macros/analyze_folder.ijm "in=/data/photos out=/data/results"
//   imagej -batch macros/analyze_folder.ijm "in=[/my photos] out=/tmp/r min_face=40 threshold=0.8"
// From the ImageJ window (Plugins > Macros > Run...) without arguments, it asks for both folders.
// Keys:
//   in         folder of images (.png .jpg .jpeg .tif .tiff .bmp .gif)
//   out        output folder, created if missing
//   min_face   smallest face side in pixels (default 20)
//   threshold  O-Net face probability (default 0.7)
//   model      "reference" (the bundled face-api estimators, default) or a trained model folder
// Writes per image <name> (file name without extension):
//   <out>/<name>.csv          one row per face with its attributes (columns of docs/contracts.md)
//   <out>/rois/<name>.zip     the face ROIs (no file when no face was found)
// Prints one line per image, "faceattr: <file> faces=N", then "faceattr: done images=I faces=F".
// An image that fails to open is reported and skipped.

arg = getArgument();
sep = File.separator;
in = argValue(arg, "in", "");
out = argValue(arg, "out", "");
minFace = argValue(arg, "min_face", "20");
threshold = argValue(arg, "threshold", "0.7");
model = argValue(arg, "model", "reference");
if (in == "")
    in = getDirectory("Folder of images");
if (out == "")
    out = getDirectory("Output folder");
if (!File.isDirectory(in))
    exit("analyze_folder.ijm: not a folder: " + in + "\nPass in=<folder>.");
if (!endsWith(in, sep) && !endsWith(in, "/"))
    in = in + sep;
if (!endsWith(out, sep) && !endsWith(out, "/"))
    out = out + sep;
File.makeDirectory(out);
File.makeDirectory(out + "rois");
if (!File.isDirectory(out + "rois"))
    exit("analyze_folder.ijm: cannot create the output folder " + out + "rois");

list = getFileList(in);
images = newArray(0);
for (i = 0; i < list.length; i++) {
    if (isImage(list[i]))
        images = Array.concat(images, list[i]);
}

setBatchMode(true);
total = 0;
done = 0;
for (i = 0; i < images.length; i++) {
    file = images[i];
    showProgress(i, images.length);
    showStatus("analyze_folder: " + (i + 1) + "/" + images.length + " " + file);
    roiManager("reset");
    run("Clear Results");
    close("*");
    ok = tryOpen(in + file);
    if (!ok) {
        print("faceattr: " + file + " skipped (cannot be opened)");
        continue;
    }
    name = File.nameWithoutExtension;
    run("Analyze Faces", "min_face=" + minFace + " threshold=" + threshold + " model=[" + model + "]");
    faces = nResults;
    if (faces > 0)
        saveAs("Results", out + name + ".csv");
    else
        File.saveString(replace(Table.headings, "\t", ",") + "\n", out + name + ".csv");
    if (roiManager("count") > 0)
        roiManager("save", out + "rois" + sep + name + ".zip");
    print("faceattr: " + file + " faces=" + faces);
    total += faces;
    done++;
    close("*");
}
showProgress(1, 1);
roiManager("reset");
setBatchMode(false);
print("faceattr: done images=" + done + " faces=" + total);

// True for the file name extensions handled (one test per extension: long || chains are unreliable
// in the ImageJ macro language).
function isImage(f) {
    f = toLowerCase(f);
    extensions = newArray(".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif");
    for (k = 0; k < extensions.length; k++) {
        if (endsWith(f, extensions[k]))
            return true;
    }
    return false;
}

// Opens a file without aborting the macro when it is not a readable image; true when an image opened.
function tryOpen(path) {
    before = nImages;
    IJ.redirectErrorMessages();
    open(path);
    return nImages > before;
}

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
            exit("analyze_folder.ijm: missing ] after " + key + "=");
        return substring(s, start + 1, end);
    }
    return substring(s, start, indexOf(s, " ", start));
}
