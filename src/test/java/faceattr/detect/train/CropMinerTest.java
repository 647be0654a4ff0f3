package faceattr.detect.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.data.detection.GroundTruthFace;
import faceattr.detect.Box;
import faceattr.detect.Landmarks;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** MTCNN-style crop mining: labels by IoU, proportions, ignored regions, hard negatives, exact targets. */
class CropMinerTest {
    private static final CropMiner.Options O = CropMiner.Options.standard(12);

    private static GroundTruthFace face(double x, double y, double w, double h) {
        double[] lm = {x + 0.3 * w, y + 0.4 * h, x + 0.7 * w, y + 0.4 * h, x + 0.5 * w, y + 0.6 * h, x + 0.35 * w,
            y + 0.8 * h, x + 0.65 * w, y + 0.8 * h};
        return new GroundTruthFace(new Box(x, y, w, h), false, new Landmarks(lm), Map.of());
    }

    private static GroundTruthFace ignored(double x, double y, double w, double h) {
        return new GroundTruthFace(new Box(x, y, w, h), true, null, Map.of());
    }

    @Test
    void labelsByIouWithTheNearestFace() {
        List<GroundTruthFace> faces = List.of(face(100, 100, 40, 40), ignored(300, 300, 40, 40));
        assertEquals(CropKind.POSITIVE, CropMiner.label(new Box(100, 100, 40, 40), faces, O).kind());
        // shifted by 8 px: IoU 32*40 / (2*1600 - 1280) = 0.667 -> positive; by 12: 0.538 -> part
        assertEquals(CropKind.POSITIVE, CropMiner.label(new Box(108, 100, 40, 40), faces, O).kind());
        assertEquals(CropKind.PART, CropMiner.label(new Box(112, 100, 40, 40), faces, O).kind());
        // by 18: 22*40 / (3200 - 880) = 0.379: between part and negative, left out
        assertNull(CropMiner.label(new Box(118, 100, 40, 40), faces, O));
        assertEquals(CropKind.NEGATIVE, CropMiner.label(new Box(0, 0, 40, 40), faces, O).kind());
        assertNull(CropMiner.label(new Box(300, 300, 40, 40), faces, O), "on an ignored region: unknown");
        assertEquals(CropKind.NEGATIVE, CropMiner.label(new Box(330, 330, 40, 40), faces, O).kind(),
                "IoU 0.03 with the ignored region is a negative");
    }

    @Test
    void regressionAndLandmarkTargetsPutTheCropOntoItsFace() {
        GroundTruthFace f = face(100, 100, 40, 50);
        Box crop = new Box(96, 104, 44, 44);
        MinedCrop c = CropMiner.label(crop, List.of(f), new CropMiner.Options(0.5, 0.4, 0.3, 4, 3, 8, 3, 12));
        assertEquals(CropKind.POSITIVE, c.kind());
        double[] r = c.regression();
        // The cascade's rule (Candidate.regressed): x1 + r0 * w, y1 + r1 * h, x2 + r2 * w, y2 + r3 * h.
        assertEquals(f.box().x(), crop.x() + r[0] * crop.width(), 1e-9);
        assertEquals(f.box().y(), crop.y() + r[1] * crop.height(), 1e-9);
        assertEquals(f.box().x2(), crop.x2() + r[2] * crop.width(), 1e-9);
        assertEquals(f.box().y2(), crop.y2() + r[3] * crop.height(), 1e-9);
        double[] lm = c.landmarks();
        for (int k = 0; k < 5; k++) { // O-Net's order: 5 x, then 5 y (Refiner.output)
            assertEquals(f.landmarks().x(k), crop.x() + crop.width() * lm[k], 1e-9);
            assertEquals(f.landmarks().y(k), crop.y() + crop.height() * lm[5 + k], 1e-9);
        }
    }

    @Test
    void minedCropsKeepTheirLabelsProportionsAndStayInTheImage() {
        List<GroundTruthFace> faces = List.of(face(50, 60, 48, 56), face(300, 90, 30, 30), ignored(200, 200, 60, 60));
        List<Box> hard = List.of(new Box(400, 250, 40, 40));
        List<MinedCrop> crops = CropMiner.mine(480, 320, faces, hard, true, new Random(7), O);
        int pos = 0;
        int part = 0;
        int neg = 0;
        int hardNeg = 0;
        for (MinedCrop c : crops) {
            Box b = c.box();
            assertEquals(b.width(), b.height(), 1e-9, "square");
            assertTrue(b.width() >= 12 && b.x() >= 0 && b.y() >= 0 && b.x2() <= 480 && b.y2() <= 320, b.toString());
            double best = Math.max(b.iou(faces.get(0).box()), b.iou(faces.get(1).box()));
            switch (c.kind()) {
                case POSITIVE -> {
                    pos++;
                    assertTrue(best >= 0.65, "positive at IoU " + best);
                }
                case PART -> {
                    part++;
                    assertTrue(best >= 0.4 && best < 0.65, "part at IoU " + best);
                }
                case NEGATIVE -> {
                    neg++;
                    assertTrue(best < 0.3, "negative at IoU " + best);
                    assertTrue(b.iou(faces.get(2).box()) < 0.3, "a negative on an ignored region");
                    if (c.hard()) {
                        hardNeg++;
                        assertTrue(b.iou(hard.get(0)) >= 0.6, "cut around the 'not a face' box");
                    }
                }
                default -> throw new AssertionError();
            }
        }
        assertEquals(8, pos, "4 per face");
        assertEquals(8, part);
        assertEquals(3 * 8 + 3, neg, "3 negatives per positive, and 3 around the hard negative");
        assertEquals(3, hardNeg);
    }

    @Test
    void theSameSeedMinesTheSameCropsAndAnImageWithoutFacesGivesNegatives() {
        List<GroundTruthFace> faces = List.of(face(50, 60, 48, 56));
        List<Box> a = CropMiner.mine(300, 200, faces, List.of(), true, new Random(3), O).stream().map(MinedCrop::box).toList();
        List<Box> b = CropMiner.mine(300, 200, faces, List.of(), true, new Random(3), O).stream().map(MinedCrop::box).toList();
        List<Box> c = CropMiner.mine(300, 200, faces, List.of(), true, new Random(4), O).stream().map(MinedCrop::box).toList();
        assertEquals(a, b);
        assertNotEquals(a, c);
        List<MinedCrop> empty = CropMiner.mine(300, 200, List.of(), List.of(), true, new Random(3), O);
        assertEquals(O.minNegatives(), empty.size());
        assertTrue(empty.stream().allMatch(m -> m.kind() == CropKind.NEGATIVE));
        assertEquals(0, CropMiner.mine(20, 20, List.of(), List.of(), true, new Random(3), O).size(),
                "no 12 px crop fits in half of a 20 px image");
        List<MinedCrop> notExhaustive = CropMiner.mine(300, 200, faces, List.of(), false, new Random(3), O);
        assertTrue(!notExhaustive.isEmpty() && notExhaustive.stream().noneMatch(m -> m.kind() == CropKind.NEGATIVE),
                "one face annotated per photo (CelebA): no negatives from the rest of it");
    }
}
