package faceattr.detect;

import java.util.Locale;

/**
 * Where one detection call spent its time, for benchmarks: milliseconds in P-Net (pyramid,
 * scan, NMS), R-Net and O-Net, and the candidates leaving each stage.
 *
 * @param pnetMs P-Net stage, ms
 * @param rnetMs R-Net stage, ms
 * @param onetMs O-Net stage, ms
 * @param pnetCandidates candidates after P-Net
 * @param rnetCandidates candidates after R-Net
 * @param faces faces after O-Net
 */
public record StageTimes(double pnetMs, double rnetMs, double onetMs, int pnetCandidates, int rnetCandidates,
        int faces) {

    /** @return {@code pnet_ms=.. rnet_ms=.. onet_ms=.. candidates=P/R/O}, as in BENCH detail lines */
    public String report() {
        return String.format(Locale.ROOT, "pnet_ms=%.1f rnet_ms=%.1f onet_ms=%.1f candidates=%d/%d/%d", pnetMs,
                rnetMs, onetMs, pnetCandidates, rnetCandidates, faces);
    }
}
