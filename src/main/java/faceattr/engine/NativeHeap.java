package faceattr.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The native allocator PyTorch runs on, and glibc's settings for it where no faster allocator was
 * preloaded (docs/performance.md, "The native allocator").
 *
 * <p>PyTorch frees and allocates tensors of tens of megabytes on every training step. With glibc's
 * defaults each one is a fresh {@code mmap} (or heap memory trimmed back to the system when freed),
 * so every step pays page faults for memory it just gave away: training ran 1.4 to 1.6 times slower
 * than with jemalloc here. The launchers preload jemalloc, but Fiji starts its own JVM, so nothing
 * can be preloaded there. Instead, before the PyTorch engine starts:
 * <ul>
 *   <li>glibc is told ({@code mallopt}) to serve blocks from its heaps rather than {@code mmap},
 *       never to trim them and to grow them in large steps, so freed tensors are reused. This
 *       reaches blocks below 64 MB only: the JVM's threads run on glibc's per-thread arenas, whose
 *       heaps are at most 64 MB, and a larger block there is always {@code mmap}ed (glibc 2.36).
 *       An arena limit ({@code M_ARENA_MAX} 1) is not set: glibc applies it only to threads started
 *       later and only while the JVM has made at most 8 arenas, and with it the step time was no
 *       different within this machine's noise (docs/performance.md).</li>
 *   <li>libtorch is told to back its blocks of 2 MB and more with transparent huge pages
 *       ({@code THP_MEM_ALLOC_ENABLE=1}, which c10 reads at its first allocation, set here with
 *       {@code setenv} unless the user set it), so those remaining fresh blocks cost one page
 *       fault per 2 MB instead of per 4 KB.</li>
 * </ul>
 * Together: within 1.0 to 1.15 times jemalloc's step time (docs/performance.md). The cost: memory
 * PyTorch freed stays in the process for reuse rather than going back to the system until the JVM
 * exits. {@code -Dfaceattr.malloc=default} keeps glibc's and libtorch's defaults.
 */
public final class NativeHeap {
    /** glibc's {@code mallopt} parameters (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;
    /** The heap grows in steps of this size (address space; pages are touched only when used). */
    private static final int TOP_PAD = 256 << 20;

    /** c10's switch for transparent huge pages under its CPU allocations (PyTorch 2.1 and later). */
    static final String THP = "THP_MEM_ALLOC_ENABLE";

    private static String state;

    private NativeHeap() {
    }

    /**
     * Applies the settings once, where the allocator is glibc's and the user did not opt out; does
     * nothing elsewhere (jemalloc preloaded, another C library, another OS). Never throws.
     *
     * @return {@link #describe()}
     */
    public static synchronized String tune() {
        if (state != null) {
            return state;
        }
        if (preloaded("jemalloc")) {
            state = "jemalloc";
        } else if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            state = "system";
        } else if ("default".equals(System.getProperty("faceattr.malloc"))) {
            state = "glibc";
        } else {
            state = mallopt() ? "glibc-tuned" : "glibc";
        }
        return state;
    }

    /**
     * @return {@code jemalloc} (preloaded by the launchers), {@code glibc-tuned} (glibc with the
     *     settings above), {@code glibc} (its defaults) or {@code system} (not Linux), as benchmark
     *     reports and {@code faceattr info} name it; applies the settings first if not yet done
     */
    public static String describe() {
        return tune();
    }

    private static boolean mallopt() {
        try {
            NativeLibrary c = NativeLibrary.getInstance("c");
            // glibc only: musl and others have no gnu_get_libc_version and other parameter numbers.
            c.getFunction("gnu_get_libc_version");
            Function mallopt = c.getFunction("mallopt");
            Function getenv = c.getFunction("getenv");
            if (getenv.invokePointer(new Object[] {THP}) == null) {
                c.getFunction("setenv").invokeInt(new Object[] {THP, "1", 0});
            }
            // Order matters little; each returns 1 on success.
            boolean ok = set(mallopt, M_MMAP_MAX, 0);
            ok &= set(mallopt, M_TRIM_THRESHOLD, Integer.MAX_VALUE);
            ok &= set(mallopt, M_TOP_PAD, TOP_PAD);
            return ok;
        } catch (RuntimeException | LinkageError e) {
            // No JNA native support or no such symbol: glibc's defaults stay, which only costs speed.
            return false;
        }
    }

    private static boolean set(Function mallopt, int parameter, int value) {
        return mallopt.invokeInt(new Object[] {parameter, value}) == 1;
    }

    /** @return whether a library whose file name contains {@code name} is mapped into this process */
    private static boolean preloaded(String name) {
        String pre = System.getenv("LD_PRELOAD");
        if (pre != null && pre.contains(name)) {
            return true;
        }
        try {
            Path maps = Path.of("/proc/self/maps");
            return Files.isReadable(maps) && Files.readString(maps).contains(name);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
