package faceattr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.CancelledException;
import faceattr.core.Progress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The lanes' contract: every task once, on lane threads, and nothing still running after a throw. */
class LanesTest {
    @Test
    void everyTaskRunsOnceOnTheLanesAndTheWideLaneHasAllThreads() throws Exception {
        try (Lanes lanes = Lanes.open(2, "test")) {
            int[] runs = new int[50];
            Set<String> threads = ConcurrentHashMap.newKeySet();
            lanes.forEach(50, i -> {
                runs[i]++;
                threads.add(Thread.currentThread().getName());
                assertEquals(1, ai.djl.pytorch.jni.JniUtils.getNumThreads());
            }, Progress.NONE, 0, 1, "");
            for (int r : runs) {
                assertEquals(1, r);
            }
            assertTrue(threads.stream().allMatch(t -> t.startsWith("test-")), threads.toString());
            assertEquals(2, (int) lanes.call(ai.djl.pytorch.jni.JniUtils::getNumThreads));
            assertEquals("test-wide", lanes.call(() -> Thread.currentThread().getName()));
        }
    }

    @Test
    void aFailingTaskStopsTheOthersAndNothingRunsAfterTheThrow() throws Exception {
        try (Lanes lanes = Lanes.open(2, "test")) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> lanes.forEach(100, i -> {
                started.incrementAndGet();
                running.incrementAndGet();
                try {
                    if (i == 3) {
                        throw boom;
                    }
                    sleep(20);
                } finally {
                    running.decrementAndGet();
                }
            }, Progress.NONE, 0, 1, ""));
            assertSame(boom, thrown);
            assertEquals(0, running.get(), "a task still ran after forEach threw");
            assertTrue(started.get() < 100, "the other lane stopped taking tasks: " + started.get());
            // An Error (e.g. out of memory) is thrown as itself, also after every lane has stopped.
            AssertionError error = new AssertionError("out of memory, say");
            assertSame(error, assertThrows(AssertionError.class, () -> lanes.forEach(10, i -> {
                running.incrementAndGet();
                try {
                    if (i == 0) {
                        throw error;
                    }
                    sleep(20);
                } finally {
                    running.decrementAndGet();
                }
            }, Progress.NONE, 0, 1, "")));
            assertEquals(0, running.get());
        }
    }

    @Test
    void anInterruptedCallerWaitsForTheTaskThenReportsTheCancellation() throws Exception {
        try (Lanes lanes = Lanes.open(2, "test")) {
            AtomicInteger finished = new AtomicInteger();
            Thread caller = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                sleep(50);
                caller.interrupt();
            });
            interrupter.start();
            assertThrows(CancelledException.class, () -> lanes.call(() -> {
                sleep(300);
                return finished.incrementAndGet();
            }));
            assertEquals(1, finished.get(), "the task finished before call returned");
            assertTrue(Thread.interrupted(), "the interrupt flag is kept");
            interrupter.join();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
