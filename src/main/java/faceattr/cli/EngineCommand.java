package faceattr.cli;

import faceattr.core.FaceAttrException;
import faceattr.engine.NativesInstaller;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code faceattr engine install gpu [--mirror URL] [--force]}: downloads DJL's CUDA natives for
 * training on a GPU ({@link NativesInstaller}; docs/gpu.md). The only command that downloads.
 */
@Command(name = "engine", description = "Install the CUDA natives of the training engine (docs/gpu.md).")
final class EngineCommand extends Subcommand {
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give an action: install gpu");
    }

    @Command(name = "install", description = "Download DJL's CUDA 12.8 build of PyTorch " + NativesInstaller.VERSION
            + " (about 4 GB unpacked) into DJL's cache; training then runs on the GPU. Needs the NVIDIA driver "
            + "for CUDA 12.8. The only command that uses the network.")
    int install(@Parameters(paramLabel = "gpu", description = "What to install: gpu.") String what,
            @Option(names = "--mirror", paramLabel = "URL", defaultValue = NativesInstaller.SERVER,
                    description = "Download from this mirror of DJL's server (default: ${DEFAULT-VALUE}).")
            String mirror,
            @Option(names = "--force", description = "Download again over an existing installation.") boolean force)
            throws FaceAttrException {
        if (!what.equals("gpu")) {
            throw new ParameterException(spec.commandLine(), "cannot install '" + what + "': the one choice is gpu "
                    + "(the CPU natives come with faceattr)");
        }
        Path existing = NativesInstaller.installedDir();
        if (!force && java.nio.file.Files.isRegularFile(existing.resolve(System.mapLibraryName("torch")))) {
            out().println("already installed in " + existing + " (--force downloads again)");
            return 0;
        }
        CliProgress progress = new CliProgress(err());
        Path dir = NativesInstaller.install(mirror, force, progress);
        progress.done();
        out().println("installed the CUDA natives in " + dir);
        out().println("'faceattr info --engine' shows whether training sees the GPU");
        return 0;
    }
}
