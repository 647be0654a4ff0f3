package faceattr.cli;

import faceattr.data.DatasetKind;
import faceattr.labels.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts the options whose values are the keys of an enum ({@code --format rafdb},
 * {@code --tasks age,gender}, {@code --stage detect}), in any case; a bad value names the accepted ones.
 */
final class Keys<E extends Enum<E>> implements ITypeConverter<E> {
    private final E[] values;
    private final Function<E, String> key;

    private Keys(E[] values, Function<E, String> key) {
        this.values = values;
        this.key = key;
    }

    /** Registers the converters with {@code cl} and its subcommands. */
    static void register(CommandLine cl) {
        cl.registerConverter(DatasetKind.class, new Keys<>(DatasetKind.values(), DatasetKind::key));
        cl.registerConverter(Task.class, new Keys<>(Task.values(), Task::key));
        cl.registerConverter(BenchCommand.Stage.class, new Keys<>(BenchCommand.Stage.values(), Keys::lowerCase));
    }

    private static String lowerCase(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public E convert(String value) {
        List<String> keys = new ArrayList<>();
        for (E v : values) {
            if (key.apply(v).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
            keys.add(key.apply(v));
        }
        throw new TypeConversionException("use " + String.join(", ", keys.subList(0, keys.size() - 1)) + " or "
                + keys.get(keys.size() - 1) + ", got '" + value + "'");
    }
}
