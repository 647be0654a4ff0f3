package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.curate.DatasetExporter;
import faceattr.curate.FacesCsvReader;
import faceattr.data.DatasetKind;
import faceattr.data.LoadReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code faceattr export --from RESULTS_DIR_OR_CSV --format utkface|fairface|rafdb|faceattr --out DIR
 * [--reviewed-only] [--force] [--size N]} (docs/export.md).
 */
final class ExportCommand {
    static final String USAGE = "faceattr export --from RESULTS_DIR_OR_CSV --format utkface|fairface|rafdb|faceattr "
            + "--out DIR [--reviewed-only] [--force] [--size N]";

    private ExportCommand() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) throws Args.UsageException {
        Args a = new Args(argv, Set.of("from", "format", "out", "size"), Set.of("reviewed-only", "force"));
        if (a.string("from", null) == null || a.string("format", null) == null || a.string("out", null) == null) {
            throw new Args.UsageException("give --from, --format and --out");
        }
        DatasetKind format;
        try {
            format = DatasetKind.of(a.string("format", null));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        int size = a.integer("size", 0);
        if (size != 0 && size < 16) {
            throw new Args.UsageException("--size must be at least 16 pixels");
        }
        try {
            LoadReport r = DatasetExporter.export(FacesCsvReader.read(Path.of(a.string("from", null))), format,
                    Path.of(a.string("out", null)), new DatasetExporter.Options(a.flag("reviewed-only"), a.flag("force"),
                    size), new CliProgress(err));
            out.println(r.summary().replaceFirst(": (\\d+) used", ": $1 exported"));
            return 0;
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
