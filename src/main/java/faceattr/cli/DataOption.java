package faceattr.cli;

import faceattr.train.TrainingRun;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --data KIND:PATH}, repeatable, of train and eval; a bad kind is a usage error. */
final class DataOption {
    @Option(names = "--data", required = true, paramLabel = "KIND:PATH", converter = Spec.class,
            description = "A dataset: utkface, fairface, rafdb or faceattr, and its folder (docs/datasets.md); "
                    + "repeat for several.")
    private List<String> data;

    /** @return the datasets as given, in order */
    List<String> get() {
        return data;
    }

    /** Checks one {@code KIND:PATH} with the parser training uses, and keeps it as given. */
    static final class Spec implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                TrainingRun.parse(List.of(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }
}
