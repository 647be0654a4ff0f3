package faceattr.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
    @Test
    void readsQuotesNewlinesBomAndCrlf() {
        List<CsvReader.Row> rows = CsvReader.parse("\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\r\n\n\"two\nlines\",2,3");
        assertEquals(3, rows.size());
        assertEquals(List.of("a", "b", "c"), rows.get(0).fields());
        assertEquals(List.of("x, y", "say \"hi\"", ""), rows.get(1).fields());
        assertEquals(2, rows.get(1).line());
        assertEquals(List.of("two\nlines", "2", "3"), rows.get(2).fields());
        assertEquals(4, rows.get(2).line());
    }

    @Test
    void roundTripsWhatFacesCsvWrites() {
        List<String> values = List.of("/a, b.png", "q\"uote", "", "plain");
        assertEquals(values, CsvReader.parse(FacesCsv.line(values) + "\n").get(0).fields());
    }

    @Test
    void anUnclosedQuoteIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvReader.parse("a\n\"b,c\n"));
        assertEquals("line 2: a quoted field is not closed", e.getMessage());
    }
}
