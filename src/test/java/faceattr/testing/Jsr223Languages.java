package faceattr.testing;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy for SciJava's script service in the tests, adapted from its JSR-223 engine
 * (scijava-common 2.100 finds script languages only as plugins; Fiji's scripting-groovy, which does
 * the same with more care, is not on Maven Central). Jython runs in FijiBundleIT's own JVM.
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
}
