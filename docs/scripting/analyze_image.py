# Face Attributes: analyse the current image from Fiji's Script Editor (Language: Python (Jython)).
# Prints one line per face and returns the rows (one map per face, keyed by the faces.csv columns).
# docs/scripting.md explains the inputs and outputs.
#@ ij.ImagePlus imp
#@ String (label = "Model", value = "reference", persist = false) model
#@ CommandService command
#@output java.util.List rows

from faceattr.ij2 import AnalyzeFacesCommand

module = command.run(AnalyzeFacesCommand, False, "image", imp, "model", model).get()
if module.isCanceled():
    raise ValueError(module.getCancelReason())
rows = module.getOutput("rows")
for r in rows:
    print("face %d at (%.0f, %.0f): age %.0f, %s, %s" % (r["face"], r["x"], r["y"], r["age"], r["gender"],
                                                        r["emotion"]))
