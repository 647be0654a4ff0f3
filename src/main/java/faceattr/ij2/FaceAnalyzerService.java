package faceattr.ij2;

import faceattr.analysis.FaceAnalyzer;
import faceattr.core.FaceAttrException;
import faceattr.detect.DetectorSettings;
import faceattr.engine.DeviceChoice;
import faceattr.engine.InferenceEngine;
import faceattr.model.io.ModelStore;
import faceattr.reference.Estimators;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

/**
 * Keeps the last {@link FaceAnalyzer} the SciJava commands used, so that a script calling a command
 * once per image loads the networks once, not per image. An analyzer is reused while the same
 * detector settings, engine and model (same folder, unchanged files: {@link Estimators#fingerprint})
 * are asked for; another request closes it once no command uses it. It is also closed after
 * {@value #IDLE_SECONDS} s without use, and when the SciJava context is disposed (Fiji quits), so
 * its native memory does not stay taken.
 */
@Plugin(type = Service.class)
public final class FaceAnalyzerService extends AbstractService implements SciJavaService {
    /** Seconds an unused analyzer is kept. */
    public static final int IDLE_SECONDS = 60;

    /**
     * What an analyzer is made for.
     *
     * @param settings detector settings
     * @param attributes whether it estimates attributes
     * @param model the estimator's fingerprint ({@link Estimators#fingerprint}), null when detecting only
     * @param engine the inference engine
     * @param device where the networks run
     */
    record Key(DetectorSettings settings, boolean attributes, String model, InferenceEngine engine,
            DeviceChoice device) {
    }

    /** One loaded analyzer and the commands using it. */
    private static final class Entry {
        final Key key;
        final FaceAnalyzer analyzer;
        int users;
        boolean retired;

        Entry(Key key, FaceAnalyzer analyzer) {
            this.key = key;
            this.analyzer = analyzer;
        }
    }

    private Entry current;
    private int loads;
    private ScheduledFuture<?> idleClose;
    private ScheduledExecutorService timer;

    /**
     * Use of an analyzer; close it when done (the analyzer stays loaded for the next command).
     */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        /** @return the analyzer; do not close it */
        public FaceAnalyzer analyzer() {
            return entry.analyzer;
        }

        @Override
        public void close() {
            synchronized (FaceAnalyzerService.this) {
                if (!closed) {
                    closed = true;
                    entry.users--;
                    if (entry.users == 0) {
                        if (entry.retired) {
                            entry.analyzer.close();
                        } else {
                            scheduleIdleClose();
                        }
                    }
                }
            }
        }
    }

    /**
     * Leases an analyzer for these settings, loading one unless the current one fits.
     *
     * @param settings detector settings
     * @param attributes whether to estimate attributes
     * @param model {@code reference}, an installed model, a model folder, or null/blank for the
     *     default (as the {@code model} macro key)
     * @param store the installed models
     * @param engine the inference engine
     * @param device where the networks run
     * @return the lease; close it
     * @throws FaceAttrException when the networks or the model cannot be loaded, or the device asked
     *     for cannot be used
     */
    public synchronized Lease lease(DetectorSettings settings, boolean attributes, String model, ModelStore store,
            InferenceEngine engine, DeviceChoice device) throws FaceAttrException {
        Key wanted = new Key(Objects.requireNonNull(settings, "settings"), attributes,
                attributes ? Estimators.fingerprint(model, store) : null, Objects.requireNonNull(engine, "engine"),
                Objects.requireNonNull(device, "device"));
        cancelIdleClose();
        if (current == null || !wanted.equals(current.key)) {
            release();
            current = new Entry(wanted, FaceAnalyzer.builder().optDetectorSettings(settings)
                    .optAttributes(attributes).optModel(model).optModelStore(store).optEngine(engine)
                    .optDevice(device).build());
            loads++;
        }
        current.users++;
        return new Lease(current);
    }

    /** @return how many analyzers this service has loaded (for tests and the docs' measurements) */
    public synchronized int loads() {
        return loads;
    }

    /**
     * Lets go of the kept analyzer: closed now, or by the last command still using it. A later
     * command loads a new one.
     */
    public synchronized void release() {
        cancelIdleClose();
        if (current != null) {
            current.retired = true;
            if (current.users == 0) {
                current.analyzer.close();
            }
            current = null;
        }
    }

    private void scheduleIdleClose() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "faceattr-analyzer-idle");
                t.setDaemon(true);
                return t;
            });
        }
        cancelIdleClose();
        idleClose = timer.schedule(() -> {
            synchronized (FaceAnalyzerService.this) {
                if (current != null && current.users == 0) {
                    release();
                }
            }
        }, IDLE_SECONDS, TimeUnit.SECONDS);
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    @Override
    public synchronized void dispose() {
        release();
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
