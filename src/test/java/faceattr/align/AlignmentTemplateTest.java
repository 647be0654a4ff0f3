package faceattr.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AlignmentTemplateTest {

    @Test
    void size112IsThePublishedArcFaceTemplateInLandmarkOrder() {
        assertArrayEquals(new double[] {
            38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041,
        }, AlignmentTemplate.forSize(112).toArray(), 0);
        AlignmentTemplate t = AlignmentTemplate.forSize(112);
        assertEquals(112, t.size());
        assertEquals(t.x(2), t.toLandmarks().x(2), 0);
    }

    @Test
    void size224IsExactlyTwice() {
        double[] t112 = AlignmentTemplate.forSize(112).toArray();
        double[] t224 = AlignmentTemplate.forSize(224).toArray();
        for (int i = 0; i < t112.length; i++) {
            assertEquals(2 * t112[i], t224[i], 0);
        }
    }

    @Test
    void tooSmallSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AlignmentTemplate.forSize(15));
        assertEquals(16, AlignmentTemplate.forSize(16).size());
    }

    @Test
    void toArrayIsACopy() {
        AlignmentTemplate t = AlignmentTemplate.forSize(112);
        t.toArray()[0] = -1;
        assertEquals(38.2946, t.x(0), 0);
    }
}
