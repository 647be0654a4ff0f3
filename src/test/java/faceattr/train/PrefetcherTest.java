package faceattr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.core.FaceAttrException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PrefetcherTest {
    @Test
    void itemsComeInOrderEachMadeOnceOnTheLoaderThread() throws Exception {
        List<Integer> made = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> threadName = new AtomicReference<>();
        try (Prefetcher<String> p = new Prefetcher<>(7, 2, "test-loader", i -> {
            made.add(i);
            threadName.set(Thread.currentThread().getName());
            return "item" + i;
        })) {
            for (int i = 0; i < 7; i++) {
                assertEquals("item" + i, p.next());
            }
            assertThrows(NoSuchElementException.class, p::next);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), made);
        assertEquals("test-loader", threadName.get());
    }

    @Test
    void theNextItemsAreMadeWhileTheConsumerWorks() throws Exception {
        CountDownLatch secondMade = new CountDownLatch(2);
        try (Prefetcher<Integer> p = new Prefetcher<>(5, 2, "test-loader", i -> {
            if (i == 1 || i == 2) {
                secondMade.countDown();
            }
            return i;
        })) {
            assertEquals(0, p.next());
            // The consumer has not asked for items 1 and 2: the loader made them anyway.
            assertTrue(secondMade.await(10, TimeUnit.SECONDS), "items 1 and 2 were not made ahead");
        }
    }

    @Test
    void itMakesNoMoreThanDepthAhead() throws Exception {
        List<Integer> made = Collections.synchronizedList(new ArrayList<>());
        try (Prefetcher<Integer> p = new Prefetcher<>(100, 3, "test-loader", i -> {
            made.add(i);
            return i;
        })) {
            p.next();
            Thread.sleep(300);
            assertEquals(List.of(0, 1, 2, 3), made, "item 0 in use and three ahead");
        }
    }

    @Test
    void anErrorReachesTheConsumerAtItsItem() throws Exception {
        FaceAttrException boom = new FaceAttrException("cannot read train/3.jpg");
        try (Prefetcher<Integer> p = new Prefetcher<>(6, 2, "test-loader", i -> {
            if (i == 3) {
                throw boom;
            }
            return i;
        })) {
            assertEquals(0, p.next());
            assertEquals(1, p.next());
            assertEquals(2, p.next());
            assertSame(boom, assertThrows(FaceAttrException.class, p::next));
        }
    }

    @Test
    void closeEndsTheThreadAndMakesNothingMore() throws Exception {
        List<Integer> made = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Thread> loader = new AtomicReference<>();
        Prefetcher<Integer> p = new Prefetcher<>(1000, 2, "test-loader", i -> {
            loader.set(Thread.currentThread());
            made.add(i);
            return i;
        });
        p.next();
        p.close();
        int n = made.size();
        loader.get().join(10_000);
        assertFalse(loader.get().isAlive(), "the loader thread still runs after close");
        assertEquals(n, made.size());
        assertTrue(n <= 3, "made " + n + " items for one taken");
        assertNotEquals(0, n);
    }
}
