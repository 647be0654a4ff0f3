// Face Attributes: analyse the current image from Fiji's Script Editor (Language: Groovy).
// Prints one line per face and returns the rows (one map per face, keyed by the faces.csv columns).
// docs/scripting.md explains the inputs and outputs.
#@ ij.ImagePlus imp
#@ String (label = "Model", value = "reference", persist = false) model
#@ Double (label = "Min face size (pixels)", value = 20, persist = false) minFace
#@ CommandService command
#@output java.util.List rows

def module = command.run(faceattr.ij2.AnalyzeFacesCommand, false,
        "image", imp, "model", model, "minFace", minFace).get()
if (module.isCanceled()) {
    throw new IllegalArgumentException(module.getCancelReason())
}
rows = module.getOutput("rows")
rows.each { r ->
    println(String.format(Locale.ROOT, "face %d at (%.0f, %.0f): age %.0f, %s, %s",
            r.face, r.x, r.y, r.age, r.gender, r.emotion))
}
