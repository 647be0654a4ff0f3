package faceattr.engine;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link EnginesClassLoaderTest}: loads DJL and this project in an isolated
 * class loader, as Fiji's plugin class loader does, with a thread context class loader that cannot
 * see DJL, then (1) asks DJL for the engine directly, which must fail, and (2) asks through
 * {@link Engines}, which must succeed. Prints one line per result.
 */
public final class ClassLoaderProbe {
    private ClassLoaderProbe() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String p : System.getProperty("probe.classpath").split(File.pathSeparator)) {
            urls.add(new File(p).toURI().toURL());
        }
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], platform));
        System.setProperty("ai.djl.offline", "true");
        try (URLClassLoader direct = new URLClassLoader(urls.toArray(new URL[0]), platform)) {
            Class<?> engine = direct.loadClass("ai.djl.engine.Engine");
            engine.getMethod("getEngine", String.class).invoke(null, "PyTorch");
            System.out.println("direct: found");
        } catch (InvocationTargetException e) {
            System.out.println("direct: failed " + e.getCause().getClass().getSimpleName());
        }
        try (URLClassLoader plugin = new URLClassLoader(urls.toArray(new URL[0]), platform)) {
            Class<?> engines = plugin.loadClass("faceattr.engine.Engines");
            Object info = engines.getMethod("info").invoke(null);
            System.out.println("engines: " + ((Map<?, ?>) info).get("engine") + " " + ((Map<?, ?>) info).get("offline"));
            System.out.println("context restored: " + (Thread.currentThread().getContextClassLoader().getParent()
                    == platform));
        }
    }
}
