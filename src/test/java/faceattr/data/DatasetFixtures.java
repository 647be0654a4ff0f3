package faceattr.data;

import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * Writes small datasets in the exact on-disk formats of UTKFace, FairFace, RAF-DB and our export,
 * with images drawn by a caller-given painter (so a learning test can make the pixels carry the
 * labels) and with the malformed entries the real datasets have.
 */
public final class DatasetFixtures {
    /** Paints an image for a sample's labels. */
    public interface Painter extends Function<LabelSet, BufferedImage> {
    }

    /** A flat grey 32x32 image. */
    public static final Painter GREY = l -> {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        return img;
    };

    private DatasetFixtures() {
    }

    public static void jpg(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "jpg", file.toFile())) {
            throw new IOException("no JPEG writer");
        }
    }

    /**
     * UTKFace: one aligned chip per (age, gender, race) row, plus the malformed names of the real
     * set: three without a race field, an age above 116, a gender code 2, a non-UTKFace name.
     */
    public static void utkface(Path dir, List<int[]> ageGenderRace, Painter painter) throws IOException {
        long stamp = 20170116174525125L;
        for (int[] r : ageGenderRace) {
            LabelSet l = LabelSet.NONE.with(Target.AGE, r[0])
                    .with(Target.AGE_GROUP, faceattr.labels.LabelSpaces.ageGroupOf(r[0])).with(Target.GENDER, r[1])
                    .with(Target.RACE5, r[2]);
            jpg(dir.resolve(r[0] + "_" + r[1] + "_" + r[2] + "_" + stamp++ + ".jpg.chip.jpg"), painter.apply(l));
        }
        BufferedImage any = GREY.apply(LabelSet.NONE);
        jpg(dir.resolve("39_1_20170116174525125.jpg.chip.jpg"), any);
        jpg(dir.resolve("61_1_20170109142408075.jpg.chip.jpg"), any);
        jpg(dir.resolve("61_1_20170109150557335.jpg.chip.jpg"), any);
        jpg(dir.resolve("117_0_0_20170109150557335.jpg.chip.jpg"), any);
        jpg(dir.resolve("30_2_0_20170109150557335.jpg.chip.jpg"), any);
        jpg(dir.resolve("holiday.jpg"), any);
    }

    /** FairFace: both CSVs with the real header, one row naming a missing image, one unknown label. */
    public static void fairface(Path dir, List<String[]> trainRows, List<String[]> valRows, Painter painter)
            throws IOException {
        StringBuilder train = new StringBuilder("file,age,gender,race,service_test\n");
        int n = 1;
        for (String[] r : trainRows) {
            String file = "train/" + n++ + ".jpg";
            train.append(file).append(',').append(r[0]).append(',').append(r[1]).append(',').append(r[2])
                    .append(",True\n");
            jpg(dir.resolve(file), painter.apply(labels(r)));
        }
        train.append("train/9999.jpg,20-29,Male,White,False\n"); // image missing
        train.append("train/1.jpg,20-29,Robot,White,False\n"); // unknown gender
        Files.writeString(dir.resolve("fairface_label_train.csv"), train.toString(), StandardCharsets.UTF_8);
        StringBuilder val = new StringBuilder("file,age,gender,race,service_test\r\n"); // CRLF, as some copies
        n = 1;
        for (String[] r : valRows) {
            String file = "val/" + n++ + ".jpg";
            val.append(file).append(',').append(r[0]).append(',').append(r[1]).append(',').append(r[2])
                    .append(",False\r\n");
            jpg(dir.resolve(file), painter.apply(labels(r)));
        }
        Files.writeString(dir.resolve("fairface_label_val.csv"), val.toString(), StandardCharsets.UTF_8);
    }

    private static LabelSet labels(String[] r) {
        return LabelSet.NONE.with(Target.AGE_GROUP, faceattr.labels.LabelSpaces.AGE_GROUP.indexOf(r[0]))
                .with(Target.GENDER, r[1].equals("Male") ? 0 : 1)
                .with(Target.RACE7, faceattr.labels.LabelSpaces.RACE_FAIRFACE.indexOf(r[2]));
    }

    /**
     * RAF-DB basic: the partition list with train/test lines (labels 1..7), aligned images, one
     * line whose image is missing and one malformed line.
     */
    public static void rafdb(Path dir, List<Integer> trainLabels, List<Integer> testLabels, Painter painter)
            throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < trainLabels.size(); i++) {
            String name = String.format("train_%05d", i + 1);
            list.append(name).append(".jpg ").append(trainLabels.get(i)).append('\n');
            jpg(dir.resolve("Image/aligned/" + name + "_aligned.jpg"), painter.apply(emotion(trainLabels.get(i))));
        }
        for (int i = 0; i < testLabels.size(); i++) {
            String name = String.format("test_%04d", i + 1);
            list.append(name).append(".jpg ").append(testLabels.get(i)).append('\n');
            jpg(dir.resolve("Image/aligned/" + name + "_aligned.jpg"), painter.apply(emotion(testLabels.get(i))));
        }
        list.append("train_99999.jpg 3\n"); // no image
        list.append("train_00001.jpg\n"); // no label
        Files.createDirectories(dir.resolve("EmoLabel"));
        Files.writeString(dir.resolve("EmoLabel/list_patition_label.txt"), list.toString(), StandardCharsets.UTF_8);
    }

    private static LabelSet emotion(int rafLabel) {
        return LabelSet.NONE.with(Target.EMOTION, faceattr.labels.LabelSpaces.emotionOfRafDb(rafLabel));
    }
}
