package faceattr.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ImageJ: a reviewed faces.csv (one confirmed face, one box marked "not a face") exported as
 * a WIDER set, then "Train Face Detector" and "Detect Faces" with its {@code detector} key, from
 * one macro; a folder that is not a detector stops the macro with a message naming it.
 */
class TrainFaceDetectorMacroIT {
    @TempDir
    Path tmp;

    @Test
    void trainsADetectorFromAMacroAndDetectsWithIt() throws Exception {
        Path image = tmp.resolve("astronaut.png");
        Files.copy(Path.of("sample-data/astronaut.png"), image);
        Path csv = tmp.resolve("reviewed/faces.csv");
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, "image,face,x,y,width,height,score,left_eye_x,left_eye_y,right_eye_x,right_eye_y,"
                + "nose_x,nose_y,mouth_left_x,mouth_left_y,mouth_right_x,mouth_right_y,reviewed,not_a_face\n"
                + image + ",1,178.19,60.05,89.31,112.66,1.0,204.58,101.52,245.77,103.09,224.44,128.66,201.30,"
                + "139.28,244.72,141.08,true,false\n"
                + image + ",2,20,400,60,60,0.8,35,420,60,420,50,430,38,445,62,445,true,true\n");
        Path set = tmp.resolve("wider set");
        faceattr.cli.Main.run(List.of("export", "--from", csv.toString(), "--format", "wider", "--out",
                set.toString()), System.out, System.err);
        assertTrue(Files.isRegularFile(set.resolve("wider_face_split/faceattr_hard_negatives_train.txt")));

        Path detector = tmp.resolve("my detector");
        Path macro = tmp.resolve("train-detector.ijm");
        Files.writeString(macro, "run(\"Train Face Detector\", \"data=[wider:" + set + "] out=[" + detector
                + "] epochs=1 batch=8 stages=pnet train=rfe device=cpu\");\n"
                + "open(\"" + image + "\");\n"
                + "run(\"Detect Faces\", \"min_face=20 threshold=0.7 detector=[" + detector + "]\");\n"
                + "print(\"faceattr: faces=\" + nResults);\n"
                + "run(\"Detect Faces\", \"min_face=20 threshold=0.7 detector=[" + tmp + "]\");\n");
        DetectFacesMacroIT.Run run = DetectFacesMacroIT.imagej(macro, "", tmp);
        assertTrue(run.output().contains("Train Face Detector: wider " + set + ": 1 used"), run.output());
        assertTrue(run.output().contains("Train Face Detector: pnet epoch 1/1: loss="), run.output());
        assertTrue(Files.isRegularFile(detector.resolve("detector.json")), run.output());
        assertEquals("1", run.output().replaceAll("(?s).*faceattr: faces=(\\d+).*", "$1"), run.output());
        assertTrue(run.output().contains("Detect Faces: " + tmp + ": not a detector folder"), run.output());
    }
}
