package faceattr.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TfPaddingTest {
    @Test
    void padsTheExtraRowAtTheEnd() {
        assertArrayEquals(new int[] {0, 1}, TfPadding.same(112, 3, 2)); // 56 outputs need 113 rows
        assertArrayEquals(new int[] {1, 1}, TfPadding.same(56, 3, 1));
        assertArrayEquals(new int[] {0, 0}, TfPadding.same(56, 1, 2));
        assertArrayEquals(new int[] {1, 1}, TfPadding.same(7, 3, 2)); // 4 outputs need 9 rows
        assertArrayEquals(new int[] {0, 0}, TfPadding.same(10, 2, 2));
    }
}
