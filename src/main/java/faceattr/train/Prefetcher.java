package faceattr.train;

import faceattr.core.FaceAttrException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Makes the items of a numbered sequence ahead of their use, on a thread of its own, so that the
 * training step (on the GPU, or on the CPU's other threads) does not wait for JPEG decoding and
 * augmentation. Items come back in order; each is made exactly once, by a function of its number
 * only, so a run with prefetching is the run without it.
 *
 * @param <T> the item
 */
final class Prefetcher<T> implements AutoCloseable {
    /** Makes item {@code index}. */
    @FunctionalInterface
    interface Maker<T> {
        /**
         * @param index the item's number
         * @return the item
         * @throws FaceAttrException when it cannot be made
         */
        T make(int index) throws FaceAttrException;
    }

    private final int count;
    private final int depth;
    private final Maker<T> maker;
    private final ExecutorService thread;
    private final Deque<Future<T>> pending = new ArrayDeque<>();
    private int next;
    private int submitted;

    /**
     * @param count how many items there are (numbered from 0)
     * @param depth how many items may be made ahead of the one in use, at least 1
     * @param name the thread's name
     * @param maker makes one item
     */
    Prefetcher(int count, int depth, String name, Maker<T> maker) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        this.count = count;
        this.depth = depth;
        this.maker = maker;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    private void fill() {
        while (submitted < count && pending.size() < depth) {
            final int index = submitted++;
            pending.add(thread.submit(() -> maker.make(index)));
        }
    }

    /**
     * @return the next item, in order; waits while it is being made
     * @throws FaceAttrException what making it threw
     * @throws java.util.NoSuchElementException after the last item
     */
    T next() throws FaceAttrException {
        if (next >= count) {
            throw new java.util.NoSuchElementException("all " + count + " items were taken");
        }
        Future<T> f = pending.poll();
        next++;
        fill();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new faceattr.core.CancelledException();
        } catch (CancellationException e) {
            throw new faceattr.core.CancelledException();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof FaceAttrException fe) {
                throw fe;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Stops making items (one being made finishes first) and ends the thread. */
    @Override
    public void close() {
        for (Future<T> f : pending) {
            f.cancel(false);
        }
        pending.clear();
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
