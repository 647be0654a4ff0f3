package faceattr.testing;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy and Jython for SciJava's script service in the tests, adapted from their JSR-223 engines
 * (scijava-common 2.100 finds script languages only as plugins; Fiji's scripting-groovy and
 * scripting-jython, which do the same with more care, are not on Maven Central).
 */
public final class Jsr223Languages {
    private Jsr223Languages() {
    }

    /** Groovy, from groovy-jsr223. */
    @Plugin(type = ScriptLanguage.class, name = "Groovy")
    public static final class Groovy extends AdaptedScriptLanguage {
        /** Adapts the engine named "groovy". */
        public Groovy() {
            super("groovy");
        }
    }

    /** Python (Jython 2.7), from jython-slim. */
    @Plugin(type = ScriptLanguage.class, name = "Python (Jython)")
    public static final class Jython extends AdaptedScriptLanguage {
        /** Adapts the engine named "python". */
        public Jython() {
            super("python");
        }
    }
}
