package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.curate.DatasetExporter;
import faceattr.curate.DetectionExporter;
import faceattr.curate.FacesCsvReader;
import faceattr.data.DatasetKind;
import faceattr.data.LoadReport;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code faceattr export --from RESULTS_DIR_OR_CSV --format utkface|fairface|rafdb|faceattr|wider --out DIR
 * [--reviewed-only] [--force] [--size N]} (docs/export.md).
 */
@Command(name = "export", description = "Write the faces of an analysis or a review as a training dataset "
        + "(docs/export.md).")
final class ExportCommand extends Subcommand {
    @Option(names = "--from", required = true, paramLabel = "RESULTS_DIR_OR_CSV",
            description = "A results folder of faceattr analyze, or its faces.csv or a review's Results.csv.")
    private Path from;

    @Option(names = "--format", required = true, paramLabel = "utkface|fairface|rafdb|faceattr|wider",
            description = "The dataset format: an attribute set, or wider (a detection set of the images, "
                    + "'not a face' boxes as hard negatives).")
    private String format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset folder to create.")
    private Path outDir;

    @Option(names = "--reviewed-only", description = "Only the faces a person reviewed.")
    private boolean reviewedOnly;

    @Option(names = "--force", description = "Replace an existing, non-empty DIR, once the new export is complete.")
    private boolean force;

    @Option(names = "--size", paramLabel = "N", description = "Crop side in pixels, at least 16 "
            + "(default: 0, the format's own).")
    private int size;

    @Override
    public Integer call() {
        PrintStream out = out();
        PrintStream err = err();
        if (size != 0 && size < 16) {
            throw new ParameterException(spec.commandLine(), "--size must be 0 or at least 16 pixels, was " + size);
        }
        if (format.equalsIgnoreCase("wider")) {
            try {
                DetectionExporter.Result r = DetectionExporter.export(FacesCsvReader.read(from), outDir, reviewedOnly,
                        force, new CliProgress(err));
                out.println(r.summary());
                return 0;
            } catch (FaceAttrException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }
        DatasetKind kind;
        try {
            kind = DatasetKind.of(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage() + ", or wider");
        }
        try {
            LoadReport r = DatasetExporter.export(FacesCsvReader.read(from), kind, outDir,
                    new DatasetExporter.Options(reviewedOnly, force, size), new CliProgress(err));
            out.println(r.summary().replaceFirst(": (\\d+) used", ": $1 exported"));
            return 0;
        } catch (FaceAttrException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
