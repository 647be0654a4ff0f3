package faceattr.engine;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;

/**
 * Run in a child JVM by {@link NativeHeapTest}: applies {@link NativeHeap#tune()}, allocates one
 * 48 MB block with {@code malloc} and prints the allocator's state and where the block came from,
 * by glibc's own account ({@code mallinfo2}: bytes in mmap'd blocks, bytes of the heap arenas).
 */
public final class NativeHeapProbe {
    /** glibc's struct mallinfo2: all size_t. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    private NativeHeapProbe() {
    }

    public static void main(String[] args) {
        String state = NativeHeap.tune();
        report(state, 48L << 20);
    }

    private static void report(String state, long size) {
        Function info = NativeLibrary.getInstance("c").getFunction("mallinfo2");
        MallInfo2 before = (MallInfo2) info.invoke(MallInfo2.class, new Object[0]);
        long block = Native.malloc(size);
        MallInfo2 after = (MallInfo2) info.invoke(MallInfo2.class, new Object[0]);
        Native.free(block);
        MallInfo2 freed = (MallInfo2) info.invoke(MallInfo2.class, new Object[0]);
        String thp = NativeLibrary.getInstance("c").getFunction("getenv").invokeString(
                new Object[] {NativeHeap.THP}, false);
        System.out.println("thp=" + thp + " state=" + state + " mmapped_delta=" + (after.hblkhd - before.hblkhd)
                + " in_use_delta=" + (after.uordblks - before.uordblks)
                + " heap_after_free_delta=" + (freed.arena - before.arena));
    }
}
