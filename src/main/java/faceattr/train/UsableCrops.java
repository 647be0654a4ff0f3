package faceattr.train;

import faceattr.core.RgbImage;
import faceattr.data.Sample;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The crops of a training run, where an unusable sample (unreadable, no face) is logged once and
 * then passed over in every later epoch without trying it again. Thread-safe: the loader's threads
 * share it.
 */
final class UsableCrops {
    private final CropSource crops;
    private final Consumer<String> log;
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();

    /**
     * @param crops makes the crops; the caller closes it
     * @param log receives one line per sample skipped
     */
    UsableCrops(CropSource crops, Consumer<String> log) {
        this.crops = crops;
        this.log = log;
    }

    /** @return the sample's crop, or null when it cannot be used */
    RgbImage crop(Sample s) {
        String key = s.image().toAbsolutePath().toString(); // ids repeat across datasets (train/1.jpg)
        if (unusable.contains(key)) {
            return null;
        }
        try {
            return crops.crop(s);
        } catch (CropSource.Unusable e) {
            if (unusable.add(key)) {
                synchronized (log) {
                    log.accept("skipped " + s.source() + " " + e.getMessage());
                }
            }
            return null;
        }
    }

    /** @return how many samples were found unusable so far */
    int skipped() {
        return unusable.size();
    }
}
