package faceattr.io;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The project's one CSV dialect, read and written through Apache Commons CSV: RFC 4180 (commas,
 * double-quoted fields with doubled quotes inside), UTF-8. Written: a field is quoted only where
 * needed (a comma, quote or line break inside, or a first or last character a reader could
 * drop), every record ends with {@code '\n'}, no byte order mark. Read: CRLF, CR or LF, a UTF-8
 * byte order mark and blank lines are accepted.
 */
public final class Csv {
    private static final String BOM = "\uFEFF";
    /*
     * Blank lines come back as records, and are dropped here, so that the parser's line count gives
     * each record's first line. Text after a closing quote stays in the field ("ab"c reads abc), as
     * the reader before Commons CSV had it; the one malformation left is a quote never closed.
     */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n')
            .setTrailingData(true).get();

    private Csv() {
    }

    /**
     * One record and the line it starts on.
     *
     * @param line 1-based line number
     * @param fields the fields
     */
    public record Row(int line, List<String> fields) {
    }

    /**
     * @param file a CSV file
     * @return its records, the header included
     * @throws FaceAttrException when it cannot be read or a quoted field is not closed
     */
    public static List<Row> read(Path file) throws FaceAttrException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot read the CSV file: " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new FaceAttrException(file, e.getMessage(), e);
        }
    }

    /**
     * @param text CSV text
     * @return its records; blank lines are skipped
     * @throws IllegalArgumentException when a quoted field is not closed
     */
    public static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        long linesRead = 0;
        try (CSVParser parser = CSVParser.parse(text.startsWith(BOM) ? text.substring(1) : text, FORMAT)) {
            for (CSVRecord r : parser) {
                if (r.size() > 1 || !r.get(0).isEmpty()) {
                    rows.add(new Row(Math.toIntExact(linesRead + 1), r.toList()));
                }
                linesRead = parser.getCurrentLineNumber();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("line " + (linesRead + 1) + ": a quoted field is not closed", e);
        }
        return rows;
    }

    /**
     * Writes a table atomically ({@link AtomicFiles}).
     *
     * @param file the target
     * @param header the header values
     * @param rows the rows
     * @throws FaceAttrException when the folder is not writable
     */
    public static void write(Path file, List<String> header, List<? extends List<String>> rows)
            throws FaceAttrException {
        try {
            AtomicFiles.write(file, tmp -> {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    print(w, header, rows);
                }
            });
        } catch (IOException e) {
            throw new FaceAttrException(file, "cannot write the CSV file (" + e.getMessage()
                    + "); choose a writable output folder", e);
        }
    }

    /**
     * Prints a table, header first.
     *
     * @param out where to print
     * @param header the header values
     * @param rows the rows
     * @throws IOException when {@code out} fails
     */
    public static void print(Appendable out, List<String> header, List<? extends List<String>> rows)
            throws IOException {
        FORMAT.printRecord(out, header.toArray());
        for (List<String> r : rows) {
            FORMAT.printRecord(out, r.toArray());
        }
    }
}
