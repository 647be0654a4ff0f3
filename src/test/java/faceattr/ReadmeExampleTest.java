package faceattr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "From a script" example compiles against the current API. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theScriptExampleCompiles() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## From a script");
        assertTrue(section >= 0, "README has a 'From a script' section");
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("```", start + 8);
        assertTrue(start > 0 && end > start, "the section has a java block");
        String snippet = readme.substring(start + 8, end);
        String source = String.join("\n", List.of(
                "import faceattr.analysis.*;",
                "import faceattr.core.*;",
                "import faceattr.detect.*;",
                "import faceattr.io.ImageFiles;",
                "import java.nio.file.Path;",
                "class Example {",
                "    static void run() throws Exception {",
                snippet,
                "    }",
                "}"));
        Path file = tmp.resolve("Example.java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-proc:none", "-d", tmp.toString(), "-cp",
                System.getProperty("java.class.path"), file.toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8) + "\n" + source);
    }
}
