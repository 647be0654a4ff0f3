package faceattr.spark;

import faceattr.analysis.FaceAnalyzer;
import faceattr.core.FaceAttrException;

/**
 * The one analysis pipeline of an executor JVM, opened by the first task that needs it and
 * shared by every later task (their calls take turns on its thread lanes), closed when the JVM
 * ends. A task with other settings than the open pipeline's closes it and opens its own; a job has
 * one set of settings, so that happens only between jobs.
 */
final class ExecutorPipeline {
    private static FaceAnalyzer analyzer;
    private static JobSettings openFor;
    private static boolean hooked;

    private ExecutorPipeline() {
    }

    static synchronized FaceAnalyzer get(JobSettings s) throws FaceAttrException {
        if (analyzer != null && s.equals(openFor)) {
            return analyzer;
        }
        if (analyzer != null) {
            analyzer.close();
            analyzer = null;
        }
        analyzer = FaceAnalyzer.builder().optDetectorSettings(s.detector()).optModel(s.model()).optThreads(s.threads())
                .optEngine(s.inferenceEngine()).optDevice(s.deviceChoice()).build();
        openFor = s;
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPipeline::close, "faceattr-pipeline-close"));
            hooked = true;
        }
        return analyzer;
    }

    static synchronized void close() {
        if (analyzer != null) {
            analyzer.close();
            analyzer = null;
            openFor = null;
        }
    }
}
