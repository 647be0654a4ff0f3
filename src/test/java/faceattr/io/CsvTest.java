package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path tmp;

    private static String print(List<String> header, List<List<String>> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        Csv.print(sb, header, rows);
        return sb.toString();
    }

    @Test
    void readsQuotesNewlinesBomAndCrlf() {
        List<Csv.Row> rows = Csv.parse("\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\r\n\n\"two\nlines\",2,3");
        assertEquals(3, rows.size());
        assertEquals(List.of("a", "b", "c"), rows.get(0).fields());
        assertEquals(List.of("x, y", "say \"hi\"", ""), rows.get(1).fields());
        assertEquals(2, rows.get(1).line());
        assertEquals(List.of("two\nlines", "2", "3"), rows.get(2).fields());
        assertEquals(4, rows.get(2).line());
    }

    @Test
    void lineNumbersCountBlankLinesCrLineEndsAndBreaksInsideFields() {
        List<Csv.Row> rows = Csv.parse("\n\na\r\"b\r\nc\"\r\n\r\n  \nd,\"\"\n");
        assertEquals(List.of(3, 4, 7, 8), rows.stream().map(Csv.Row::line).toList());
        assertEquals(List.of("b\r\nc"), rows.get(1).fields());
        assertEquals(List.of("  "), rows.get(2).fields(), "a line of spaces is a record, as before");
        assertEquals(List.of("d", ""), rows.get(3).fields());
    }

    @Test
    void textAfterAClosingQuoteStaysInTheField() {
        assertEquals(List.of("abc", "d"), Csv.parse("\"ab\"c,d").get(0).fields());
    }

    @Test
    void writesMinimalQuotingAndLineFeeds() throws IOException {
        assertEquals("image,face\n/a/b.png,1\n\"/a, b.png\",2\n\"q\"\"uote\",\n\"two\nlines\",3\n",
                print(List.of("image", "face"), List.of(List.of("/a/b.png", "1"), List.of("/a, b.png", "2"),
                        List.of("q\"uote", ""), List.of("two\nlines", "3"))));
    }

    @Test
    void roundTripsWhatItWrites() throws Exception {
        List<String> values = List.of("/a, b.png", "q\"uote", "", "plain", "#hash", " space ", "cr\rlf\r\n");
        List<List<String>> rows = List.of(values, List.of("", "", "", "", "", "", ""));
        assertEquals(values, Csv.parse(print(values, rows)).get(0).fields());
        assertEquals(rows, Csv.parse(print(values, rows)).subList(1, 3).stream().map(Csv.Row::fields).toList());

        Path file = tmp.resolve("t.csv");
        Csv.write(file, values, rows);
        assertEquals(List.of(1, 4, 7), Csv.read(file).stream().map(Csv.Row::line).toList());
    }

    @Test
    void anUnclosedQuoteIsAnError() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\n\"b,c\n"));
        assertEquals("line 2: a quoted field is not closed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Csv.parse("a\n\n\"b\nb\",c\n\n1,\"2\n3"));
        assertEquals("line 6: a quoted field is not closed", e.getMessage());

        Path file = tmp.resolve("bad.csv");
        Files.writeString(file, "x,y\n1,\"2\n");
        FaceAttrException f = assertThrows(FaceAttrException.class, () -> Csv.read(file));
        assertEquals(file + ": line 2: a quoted field is not closed", f.getMessage());
    }

    @Test
    void anUnwritableFolderIsNamed() throws Exception {
        Path notADir = tmp.resolve("file");
        Files.writeString(notADir, "");
        FaceAttrException e = assertThrows(FaceAttrException.class,
                () -> Csv.write(notADir.resolve("t.csv"), List.of("a"), List.of()));
        assertTrue(e.getMessage().contains("choose a writable output folder"), e.getMessage());
    }
}
