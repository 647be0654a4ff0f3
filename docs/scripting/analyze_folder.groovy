// Face Attributes: analyse every image of a folder and write one CSV with the faces.csv columns.
// Meant for headless Fiji (docs/scripting.md):
//   ImageJ-linux64 --headless --run analyze_folder.groovy 'folder="/data/photos",csv="/data/faces.csv"'
#@ File (style = "directory") folder
#@ File (style = "save") csv
#@ String (value = "reference", persist = false) model
#@ CommandService command
#@ LogService log
#@output Integer faces

def columns = null
def lines = []
faces = 0
def images = folder.listFiles().findAll { it.isFile() && it.name.toLowerCase() ==~ /.*\.(jpe?g|png|tiff?|bmp)/ }
images.sort { it.name }.each { file ->
    def imp = ij.IJ.openImage(file.path)
    if (imp == null) {
        log.warn("${file}: not an image ImageJ can open; skipped")
        return
    }
    def module = command.run(faceattr.ij2.AnalyzeFacesCommand, false, "image", imp, "model", model).get()
    if (module.isCanceled()) {
        log.warn("${file}: ${module.getCancelReason()}")
        return
    }
    module.getOutput("rows").each { r ->
        columns = columns ?: r.keySet() as List
        lines << columns.collect { c -> c == "image" ? file.path : (r[c] == null ? "" : r[c].toString()) }
                .collect { v -> v.contains(",") || v.contains('"') ? '"' + v.replace('"', '""') + '"' : v }.join(",")
        faces++
    }
}
csv.text = columns == null ? "" : ([columns.join(",")] + lines).join("\n") + "\n"
println("${images.size()} images, ${faces} faces; written to ${csv}")
