package faceattr.engine;

import faceattr.core.CancelledException;
import faceattr.core.FaceAttrException;
import faceattr.core.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The threads one analysis runs its native inference on: {@code count} narrow lanes with one
 * intra-op thread each (PyTorch's per-thread count; ONNX Runtime sessions read {@link #width()})
 * and one wide lane with {@code count} (the same thread as the only
 * narrow lane when count is 1), owned by the analysis; each sets its own count once.
 *
 * <p>Why: PyTorch's {@code set_num_threads} (DJL's {@code JniUtils.setNumThreads}) sets the
 * calling thread's OpenMP and MKL thread counts, and also a process-wide default that every
 * thread copies once, at its first parallel op. A detector that changed the count on its
 * caller's thread therefore changed it for whatever ran next on that thread, and the default for
 * every thread not yet started: two analyses in one JVM (two Fiji images, two Spark tasks)
 * influenced each other. Lane threads are initialised once (their first parallel op happens
 * here, before the lane sets its own count) and then only ever change their own count, so the
 * thread counts, and with them the kernels oneDNN picks and their results, depend on this
 * object alone.
 *
 * <p>Work is either one task on the wide lane with all {@code count} intra-op threads
 * ({@link #call}), or many independent tasks spread over all lanes with one intra-op thread
 * each ({@link #forEach}): small convolutions scale poorly inside one op, and two calls side by
 * side use two cores better. A caller that is itself a lane of this object runs inline.
 *
 * <p>Thread-safe. Close it to stop the threads.
 */
public final class Lanes implements AutoCloseable {
    private final List<ExecutorService> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService wide;
    private final int count;
    /** The GPU the lanes' ONNX Runtime sessions run on, or -1 for the CPU. */
    private final int gpu;
    /** The intra-op threads each lane has set, 0 before its first task; each slot read by its own thread. */
    private final int[] configured;

    private Lanes(int count, String name, int gpu) {
        this.count = count;
        this.gpu = gpu;
        // slots 0..count-1: the narrow lanes (1 intra-op thread); slot count: the wide lane
        configured = new int[count + 1];
        for (int i = 0; i < count; i++) {
            lanes.add(thread(name + "-" + i));
        }
        // With several lanes, the wide lane is a thread of its own: switching one thread between
        // 1 and N intra-op threads cost 1-2 ms per switch here (about 10% of a face estimation).
        wide = count == 1 ? lanes.get(0) : thread(name + "-wide");
    }

    private ExecutorService thread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(Lanes.class.getClassLoader());
            synchronized (threads) {
                threads.add(t);
            }
            return t;
        });
    }

    /**
     * @param count the number of lanes, which is also the intra-op thread count of {@link #call}
     * @param name the threads' name prefix (shown in thread dumps)
     * @return started lanes; close them
     * @throws IllegalArgumentException when count is below 1
     * @throws FaceAttrException when the engine cannot start (the lanes configure its threads)
     */
    public static Lanes open(int count, String name) throws FaceAttrException {
        return open(count, name, -1);
    }

    /**
     * As {@link #open(int, String)}, with ONNX Runtime sessions on a GPU.
     *
     * @param count the number of lanes
     * @param name the threads' name prefix
     * @param gpu the GPU ({@link Accelerators#forInference}), or -1 for the CPU
     * @return started lanes; close them
     * @throws FaceAttrException when the engine cannot start
     */
    public static Lanes open(int count, String name, int gpu) throws FaceAttrException {
        if (count < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + count);
        }
        Engines.engine();
        return new Lanes(count, name, gpu);
    }

    /** @return the GPU these lanes' ONNX Runtime sessions run on, or -1 for the CPU */
    public int gpuIndex() {
        return gpu;
    }

    /** @return the number of lanes (threads) */
    public int count() {
        return count;
    }

    /**
     * Runs one task on the wide lane with {@link #count()} intra-op threads and waits for it.
     *
     * @param task the task
     * @return its result
     * @throws Exception what the task threw
     */
    public <T> T call(Callable<T> task) throws Exception {
        if (isLane()) {
            return task.call();
        }
        Future<T> f = wide.submit(() -> {
            configure(count == 1 ? 0 : count, count);
            return task.call();
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T result = f.get();
                    if (interrupted) {
                        throw new CancelledException();
                    }
                    return result;
                } catch (InterruptedException e) {
                    // The task uses native memory the caller frees once this returns: wait for
                    // it to end, then report the cancellation.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs tasks 0..n-1, each exactly once, and waits for all. With one lane or one task it is a
     * single {@link #call} on the wide lane with all intra-op threads; otherwise every lane
     * takes the next index from a shared counter and runs it with one intra-op thread. Each task
     * must write only its own results, so the outcome does not depend on which lane ran what.
     * Cancellation is checked before each task; progress goes from {@code from} to {@code to}.
     *
     * @param n the number of tasks
     * @param task the task, by index
     * @param progress progress and cancellation
     * @param from progress fraction at the start
     * @param to progress fraction when all are done
     * @param what the progress message
     * @throws CancelledException when cancelled (tasks already started finish first)
     * @throws RuntimeException the first exception a task threw (the others stop taking tasks)
     */
    public void forEach(int n, IntConsumer task, Progress progress, double from, double to, String what) {
        if (n <= 0) {
            return;
        }
        int used = Math.min(n, count());
        if (used == 1 || isLane()) {
            try {
                call(() -> {
                    for (int i = 0; i < n; i++) {
                        progress.checkCancelled();
                        task.accept(i);
                        progress.report(from + (to - from) * (i + 1) / n, what);
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> running = new ArrayList<>(used);
        for (int l = 0; l < used; l++) {
            int lane = l;
            running.add(lanes.get(l).submit(() -> {
                configure(lane, 1);
                try {
                    for (int i = next.getAndIncrement(); i < n && !stop.get(); i = next.getAndIncrement()) {
                        progress.checkCancelled();
                        task.accept(i);
                        progress.report(from + (to - from) * done.incrementAndGet() / n, what);
                    }
                } catch (RuntimeException | Error e) {
                    stop.set(true); // the other lanes take no further task
                    throw e;
                }
                return null;
            }));
        }
        // Wait for every lane, whatever happens: their tasks use native memory the caller frees
        // once this returns.
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> f : running) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    stop.set(true);
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    // An error beats a failure, and a failure beats a cancellation: it says more.
                    if (first == null || first instanceof CancelledException
                            || c instanceof Error && !(first instanceof Error)) {
                        first = c;
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw first instanceof RuntimeException re ? re : new IllegalStateException(first);
        }
        if (interrupted) {
            throw new CancelledException();
        }
    }

    /** The intra-op threads of the lane running on this thread, for engines with their own pools. */
    private static final ThreadLocal<Integer> WIDTH = new ThreadLocal<>();

    /**
     * The intra-op threads the calling lane runs with: {@link #count()} on the wide lane, 1 on a
     * narrow one, and 1 on a thread that is no lane. Engines with thread pools of their own
     * (ONNX Runtime sessions, {@link OrtNet}) size their work by it, so that they follow the same
     * rule as PyTorch's per-thread count without any process-wide setting.
     *
     * @return the calling lane's intra-op thread count
     */
    public static int width() {
        Integer w = WIDTH.get();
        return w == null ? 1 : w;
    }

    /** The GPU of the lanes running on this thread, for ONNX Runtime sessions. */
    private static final ThreadLocal<Integer> GPU = new ThreadLocal<>();

    /**
     * The GPU the calling lane's ONNX Runtime sessions run on ({@link #open(int, String, int)}):
     * -1, the CPU, on lanes opened without one and on threads that are no lane.
     *
     * @return the GPU's number, or -1
     */
    public static int gpu() {
        Integer g = GPU.get();
        return g == null ? -1 : g;
    }

    /** Sets the calling lane's intra-op thread count, initialising the thread on first use. */
    private void configure(int lane, int intraOp) {
        WIDTH.set(intraOp);
        GPU.set(gpu);
        if (configured[lane] == intraOp) {
            return;
        }
        if (configured[lane] == 0) {
            // get_num_threads runs PyTorch's once-per-thread initialisation, which copies the
            // process-wide default; the set below then overrides it for this thread for good.
            ai.djl.pytorch.jni.JniUtils.getNumThreads();
        }
        ai.djl.pytorch.jni.JniUtils.setNumThreads(intraOp);
        configured[lane] = intraOp;
    }

    private boolean isLane() {
        synchronized (threads) {
            return threads.contains(Thread.currentThread());
        }
    }

    /**
     * Stops the lanes after the tasks already given to them; waits up to a minute for them, so
     * that the caller may then free the models they use.
     */
    @Override
    public void close() {
        List<ExecutorService> all = new ArrayList<>(lanes);
        if (!all.contains(wide)) {
            all.add(wide);
        }
        all.forEach(ExecutorService::shutdown);
        boolean interrupted = false;
        for (ExecutorService e : all) {
            try {
                e.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
