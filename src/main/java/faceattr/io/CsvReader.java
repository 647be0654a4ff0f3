package faceattr.io;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV (commas, double-quoted fields with doubled quotes, CRLF or LF, a UTF-8 byte
 * order mark tolerated). The one CSV reader of the project; {@link FacesCsv} writes the same
 * dialect.
 */
public final class CsvReader {
    private CsvReader() {
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
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int line = 1;
        int start = 1;
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || f.length() > 0) {
                    fields.add(f.toString());
                    rows.add(new Row(start, List.copyOf(fields)));
                }
                fields.clear();
                f.setLength(0);
                any = false;
                line++;
                start = line;
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + start + ": a quoted field is not closed");
        }
        if (any || f.length() > 0) {
            fields.add(f.toString());
            rows.add(new Row(start, List.copyOf(fields)));
        }
        return rows;
    }
}
