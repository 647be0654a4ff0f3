package faceattr.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Whether PyTorch records an autograd graph on this thread, and a scope that switches it off.
 *
 * <p>Two facts of DJL 0.36's PyTorch engine make this necessary. (1) Grad mode is PyTorch's
 * thread-local switch: DJL turns it off on the thread that loads the engine and on inside a
 * {@code GradientCollector}, but every other thread starts with it on, so a plain
 * {@code block.forward} on a worker thread records a graph for every op whose parameters require
 * gradients. (2) {@code NDArray.hasGradient()} is true only for leaves (parameters), never for
 * the output of an op, so it cannot tell whether an intermediate array is part of a graph.
 *
 * <p>The blocks of this package therefore ask {@link #isRecording()}: while it is true they use
 * only out-of-place operations and PyTorch-owned scalars (see {@code Scalars}); while it is false
 * they free intermediate maps as soon as they are consumed and work in place.
 */
public final class Autograd {
    private Autograd() {
    }

    /** @return true when PyTorch's grad mode is on for the calling thread */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /**
     * Switches grad mode off for the calling thread until the scope is closed, then restores it.
     * Use it around inference: {@code try (Autograd.Scope s = Autograd.disable()) { ... }}.
     *
     * @return the scope
     */
    public static Scope disable() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return () -> JniUtils.setGradMode(previous);
    }

    /** A region with grad mode switched off; closing it restores the previous mode. */
    public interface Scope extends AutoCloseable {
        /** Restores the previous grad mode. */
        @Override
        void close();
    }
}
