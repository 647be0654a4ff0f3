package faceattr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each package's {@code package-info.java} says which project packages it may depend on, in a
 * line {@code May depend on: core, image, detect.} (or {@code nothing}); this test reads the code
 * (imports and fully qualified names, comments excluded) and checks that the line is exactly true.
 * Only {@code faceattr.ij} and {@code faceattr.ij2} may use ImageJ 1, and only {@code faceattr.ij2}
 * SciJava and ImgLib2 (provided by Fiji, absent from the CLI's class path).
 */
class PackageDependenciesTest {
    private static final Path ROOT = Path.of("src/main/java/faceattr");
    private static final Pattern DECLARED = Pattern.compile("May depend on:\\s*(.*?)\\.(?:\\s|$)");
    private static final Pattern USED = Pattern.compile("\\bfaceattr\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");
    private static final Pattern IMAGEJ = Pattern.compile("(?m)^import (static )?ij\\.|[^.\\w]ij\\.[a-z]+\\.[A-Z]");
    private static final Pattern SCIJAVA = Pattern.compile("\\b(org\\.scijava|net\\.imglib2)\\.");

    /** Removes comments and string literals, so that documentation links are not dependencies. */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    private static String packageOf(Path dir) {
        return ROOT.relativize(dir).toString().replace('/', '.');
    }

    @Test
    void everyPackageInfoDeclaresExactlyWhatItsCodeUses() throws IOException {
        Map<String, String> wrong = new TreeMap<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(ROOT)) {
            dirs = s.filter(Files::isDirectory).filter(d -> !d.equals(ROOT)).sorted().toList();
        }
        assertTrue(dirs.size() > 15, "found " + dirs.size() + " packages under " + ROOT.toAbsolutePath());
        for (Path dir : dirs) {
            String pkg = packageOf(dir);
            Path info = dir.resolve("package-info.java");
            if (!Files.exists(info)) {
                wrong.put(pkg, "has no package-info.java");
                continue;
            }
            Matcher m = DECLARED.matcher(Files.readString(info).replaceAll("\\s*\\n\\s*\\*\\s*", " "));
            if (!m.find()) {
                wrong.put(pkg, "package-info.java has no 'May depend on: ...' line");
                continue;
            }
            Set<String> declared = new TreeSet<>();
            for (String d : m.group(1).split(",| and ")) {
                String t = d.replaceAll("\\{@code|}|faceattr\\.", "").trim();
                if (!t.isEmpty() && !t.equals("nothing")) {
                    declared.add(t);
                }
            }
            Set<String> used = new TreeSet<>();
            boolean imagej = false;
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
            }
            for (Path f : files) {
                String code = code(Files.readString(f));
                Matcher u = USED.matcher(code);
                while (u.find()) {
                    if (!u.group(1).equals(pkg)) {
                        used.add(u.group(1));
                    }
                }
                imagej |= IMAGEJ.matcher(code).find();
            }
            if (imagej) {
                used.add("ImageJ");
            }
            if (!declared.equals(used)) {
                Set<String> undeclared = new TreeSet<>(used);
                undeclared.removeAll(declared);
                Set<String> unused = new TreeSet<>(declared);
                unused.removeAll(used);
                wrong.put(pkg, "uses undeclared " + undeclared + ", declares unused " + unused);
            }
        }
        assertEquals(Map.of(), wrong);
    }

    @Test
    void onlyTheImageJLayersUseImageJAndOnlyIj2UsesSciJava() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = packageOf(f.getParent());
                String code = code(Files.readString(f));
                if (!pkg.equals("ij") && !pkg.equals("ij2") && IMAGEJ.matcher(code).find()) {
                    offenders.add(f + " uses ImageJ 1");
                }
                if (!pkg.equals("ij2") && SCIJAVA.matcher(code).find()) {
                    offenders.add(f + " uses SciJava or ImgLib2");
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void theCheckSeesCodeButNotComments() {
        String src = "import faceattr.core.RgbImage;\n/** {@link faceattr.align.FaceAligner} */\n"
                + "class X { Object o = faceattr.detect.Box.class; String s = \"faceattr.io.Csv\"; ij.gui.Roi r; }";
        Matcher u = USED.matcher(code(src));
        Set<String> used = new TreeSet<>();
        while (u.find()) {
            used.add(u.group(1));
        }
        assertEquals(Set.of("core", "detect"), used);
        assertTrue(IMAGEJ.matcher(code(src)).find());
        assertTrue(!IMAGEJ.matcher(code("// ij.gui.Roi\nclass X {}")).find());
    }
}
