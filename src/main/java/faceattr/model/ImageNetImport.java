package faceattr.model;

import faceattr.core.FaceAttrException;
import faceattr.engine.Autograd;
import faceattr.io.safetensors.SafeTensorsFile;
import faceattr.io.safetensors.SafeTensorsReader;
import faceattr.io.safetensors.Tensor;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports ImageNet weights of MobileNetV3-Large into the backbone of a {@link MultiTaskNet} from a
 * safetensors file, with torchvision's or timm's names. Every backbone copy (shared stages, or each
 * task group's branch) receives the same weights; attention and heads are left as they are.
 *
 * <p><b>torchvision</b> ({@code mobilenet_v3_large} state_dict, e.g. {@code IMAGENET1K_V1/V2}
 * saved with {@code safetensors.torch.save_file}): keys {@code features.{i}...} as in
 * {@link MultiTaskNet#torchvisionParameters()}; {@code classifier.*} (the ImageNet head) and
 * {@code *.num_batches_tracked} are skipped.
 *
 * <p><b>timm</b> ({@code mobilenetv3_large_100}): mapped to torchvision keys by this table, where
 * a BatchNorm {@code bnX} stands for its {@code weight, bias, running_mean, running_var}:
 * <table>
 * <caption>timm to torchvision</caption>
 * <tr><th>timm</th><th>torchvision</th><th>shape check</th></tr>
 * <tr><td>{@code conv_stem.weight}, {@code bn1}</td><td>{@code features.0.0.weight}, {@code features.0.1}</td>
 *     <td>(16, 3, 3, 3)</td></tr>
 * <tr><td>{@code blocks.0.0} (depthwise-separable, 16 to 16): {@code conv_dw}, {@code bn1}, {@code conv_pw},
 *     {@code bn2}</td><td>{@code features.1.block.0.0}, {@code .block.0.1}, {@code .block.1.0},
 *     {@code .block.1.1}</td><td>dw (16, 1, 3, 3), pw (16, 16, 1, 1)</td></tr>
 * <tr><td>{@code blocks.{s}.{b}} (inverted residual): {@code conv_pw}, {@code bn1}</td>
 *     <td>{@code features.{i}.block.0.0}, {@code .block.0.1} (expansion)</td><td>(exp, in, 1, 1)</td></tr>
 * <tr><td>{@code conv_dw}, {@code bn2}</td><td>{@code .block.1.0}, {@code .block.1.1} (depthwise)</td>
 *     <td>(exp, 1, k, k)</td></tr>
 * <tr><td>{@code se.conv_reduce.weight/bias}, {@code se.conv_expand.weight/bias}</td>
 *     <td>{@code .block.2.fc1.weight/bias}, {@code .block.2.fc2.weight/bias}</td>
 *     <td>(sq, exp, 1, 1), (exp, sq, 1, 1)</td></tr>
 * <tr><td>{@code conv_pwl}, {@code bn3}</td><td>{@code .block.3.0}, {@code .block.3.1} with SE,
 *     {@code .block.2.0}, {@code .block.2.1} without</td><td>(out, exp, 1, 1)</td></tr>
 * <tr><td>{@code blocks.6.0.conv.weight}, {@code blocks.6.0.bn1}</td>
 *     <td>{@code features.16.0.weight}, {@code features.16.1}</td><td>(960, 160, 1, 1)</td></tr>
 * <tr><td>{@code conv_head.weight/bias}, {@code classifier.*}, {@code *.num_batches_tracked}</td>
 *     <td>skipped</td><td>conv_head (1280, 960, 1, 1) acts on pooled features</td></tr>
 * </table>
 * with {@code blocks.{s}.{b}} to {@code features.{i}}: {@code blocks.0.0} = 1; {@code blocks.1.0-1} =
 * 2-3; {@code blocks.2.0-2} = 4-6; {@code blocks.3.0-3} = 7-10; {@code blocks.4.0-1} = 11-12;
 * {@code blocks.5.0-2} = 13-15 (timm's arch_def stages; they differ from our branch-point stages at
 * features.11-12, which timm groups by width, not resolution). Where timm's last 1x1 conv 960 to
 * 1280 ({@code conv_head}) follows global pooling it has no counterpart in our 960-channel map;
 * timm's {@code blocks.6.0} (ConvBnAct 160 to 960, hardswish) is torchvision's {@code features.16}.
 *
 * <p><b>BatchNorm epsilon.</b> timm's {@code mobilenetv3_large_100} uses PyTorch's default
 * eps 1e-5, ours (torchvision's) 1e-3. The import keeps the running statistics exactly and scales
 * each BatchNorm weight by {@code sqrt((var + 1e-3) / (var + 1e-5))}, so inference with running
 * statistics computes the same as timm; the adjusted keys are listed in the report. (timm's
 * {@code tf_mobilenetv3_*} variants use eps 1e-3 but TF "same" padding, which this backbone does
 * not have: not supported.)
 *
 * <p>After an import into a network already prepared for inference, call
 * {@link MultiTaskNet#prepareForInference()} again (folded BatchNorm copies are stale).
 */
public final class ImageNetImport {
    /** The BatchNorm epsilon of timm's {@code mobilenetv3_large_100}. */
    public static final float TIMM_BN_EPS = 1e-5f;

    private static final String[] BN = {"weight", "bias", "running_mean", "running_var"};
    /** Number of timm blocks in each timm stage 0..5 (features.1 .. features.15). */
    private static final int[] TIMM_STAGE_BLOCKS = {1, 2, 3, 4, 2, 3};
    private static final Map<String, String> TIMM = buildTimmTable();

    /** Which names a file uses. */
    public enum Naming {
        /** torchvision's {@code features.{i}...}. */
        TORCHVISION,
        /** timm's {@code mobilenetv3_large_100} names. */
        TIMM
    }

    /**
     * What an import did.
     *
     * @param file the file read
     * @param naming the names it uses
     * @param loaded file keys copied into the network (sorted)
     * @param skipped file keys not used, with the reason (sorted)
     * @param missing torchvision keys the backbone needs that the file lacks (sorted); their
     *     parameters keep their values
     * @param adjusted file keys whose values were changed on the way (timm BatchNorm weights)
     */
    public record Report(Path file, Naming naming, List<String> loaded, Map<String, String> skipped,
            List<String> missing, List<String> adjusted) {
        /** Freezes the collections. */
        public Report {
            loaded = List.copyOf(loaded);
            skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
            missing = List.copyOf(missing);
            adjusted = List.copyOf(adjusted);
        }

        /** @return a few lines for logs: counts and the first of each list */
        public String summary() {
            return file + " (" + naming.name().toLowerCase(java.util.Locale.ROOT) + " names): " + loaded.size()
                    + " loaded, " + skipped.size() + " skipped " + skipped.keySet().stream().limit(5).toList()
                    + ", " + missing.size() + " missing " + missing.stream().limit(5).toList()
                    + (adjusted.isEmpty() ? "" : ", " + adjusted.size() + " BatchNorm weights rescaled for eps");
        }
    }

    private ImageNetImport() {
    }

    /**
     * The timm to torchvision table of the class comment, every key spelled out.
     *
     * @return timm key to torchvision key (unmodifiable, in feature order)
     */
    public static Map<String, String> timmToTorchvision() {
        return TIMM;
    }

    /**
     * Imports the backbone weights; every backbone tensor must be in the file.
     *
     * @param net an initialised network
     * @param file a safetensors file with torchvision or timm names
     * @return what was loaded and skipped
     * @throws FaceAttrException naming the file when it cannot be read, uses neither naming, lacks
     *     a backbone tensor, or holds one of the wrong shape (named); nothing is changed then
     */
    public static Report importBackbone(MultiTaskNet net, Path file) throws FaceAttrException {
        return importBackbone(net, file, false);
    }

    /**
     * Imports the backbone weights.
     *
     * @param net an initialised network
     * @param file a safetensors file with torchvision or timm names
     * @param allowMissing whether tensors missing from the file are only reported (their
     *     parameters keep their values) rather than an error
     * @return what was loaded, skipped and missing
     * @throws FaceAttrException naming the file when it cannot be read, uses neither naming, lacks
     *     a tensor (unless allowed), or holds one of the wrong shape (named); nothing is changed then
     */
    public static Report importBackbone(MultiTaskNet net, Path file, boolean allowMissing) throws FaceAttrException {
        if (!net.isInitialized()) {
            throw new IllegalArgumentException("initialise the network before importing weights");
        }
        SafeTensorsFile st = SafeTensorsReader.read(file);
        Naming naming;
        if (st.names().contains("features.0.0.weight")) {
            naming = Naming.TORCHVISION;
        } else if (st.names().contains("conv_stem.weight")) {
            naming = Naming.TIMM;
        } else {
            throw new FaceAttrException(file, "holds neither torchvision MobileNetV3-Large names (features.0.0.weight)"
                    + " nor timm mobilenetv3_large_100 names (conv_stem.weight); export the ImageNet weights with "
                    + "one of them", null);
        }
        Map<String, List<Parameter>> targets = net.torchvisionParameters();
        Map<String, String> toTorchvision = new TreeMap<>();
        Map<String, String> skipped = new TreeMap<>();
        for (String key : st.names()) {
            String tv = naming == Naming.TORCHVISION ? key : TIMM.get(key);
            if (tv != null && targets.containsKey(tv)) {
                toTorchvision.put(key, tv);
            } else {
                skipped.put(key, reason(key));
            }
        }
        List<String> missing = new ArrayList<>(targets.keySet());
        missing.removeAll(toTorchvision.values());
        Collections.sort(missing);
        if (!missing.isEmpty() && !allowMissing) {
            String fileKey = naming == Naming.TORCHVISION ? missing.get(0) : timmKeyOf(missing.get(0));
            throw new FaceAttrException(file, "the tensor '" + fileKey + "' of the MobileNetV3-Large backbone is "
                    + "missing" + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
                    + "; the file is not a complete mobilenet_v3_large checkpoint", null);
        }
        // check everything before changing anything
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : toTorchvision.entrySet()) {
            Tensor t = st.tensor(e.getKey());
            long[] want = targets.get(e.getValue()).get(0).getArray().getShape().getShape();
            if (!Arrays.equals(t.shape(), want)) {
                throw new FaceAttrException(file, "the tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", the backbone's " + e.getValue() + " needs "
                        + Arrays.toString(want), null);
            }
            if (!t.isFloatingPoint()) {
                throw new FaceAttrException(file, "the tensor '" + e.getKey() + "' holds " + t.dtype()
                        + " integers; weights are floating point", null);
            }
            values.put(e.getKey(), t.toFloatArray());
        }
        List<String> adjusted = new ArrayList<>();
        if (naming == Naming.TIMM) {
            for (Map.Entry<String, String> e : toTorchvision.entrySet()) {
                String k = e.getKey();
                // BatchNorm weights are torchvision's "<prefix>.1.weight"; conv and SE weights are not
                if (!e.getValue().endsWith(".1.weight")) {
                    continue;
                }
                String varKey = k.substring(0, k.length() - "weight".length()) + "running_var";
                if (values.containsKey(varKey)) {
                    float[] gamma = values.get(k);
                    float[] var = values.get(varKey);
                    for (int c = 0; c < gamma.length; c++) {
                        gamma[c] = (float) (gamma[c] * Math.sqrt((var[c] + (double) ConvBn.BN_EPS)
                                / (var[c] + (double) TIMM_BN_EPS)));
                    }
                    adjusted.add(k);
                }
            }
        }
        try (Autograd.Scope s = Autograd.disable()) {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                for (Parameter p : targets.get(toTorchvision.get(e.getKey()))) {
                    faceattr.engine.Engines.load(p.getArray(), e.getValue());
                }
            }
        }
        return new Report(file, naming, new ArrayList<>(toTorchvision.keySet()), skipped, missing, adjusted);
    }

    private static String reason(String key) {
        if (key.endsWith("num_batches_tracked")) {
            return "BatchNorm step counter, not used with a fixed momentum";
        }
        if (key.startsWith("classifier")) {
            return "ImageNet classifier, not part of the backbone";
        }
        if (key.startsWith("conv_head")) {
            return "timm's 960 to 1280 conv after global pooling, no counterpart in the 960-channel backbone";
        }
        return "not a MobileNetV3-Large backbone tensor";
    }

    private static String timmKeyOf(String torchvisionKey) {
        for (Map.Entry<String, String> e : TIMM.entrySet()) {
            if (e.getValue().equals(torchvisionKey)) {
                return e.getKey();
            }
        }
        return torchvisionKey;
    }

    private static Map<String, String> buildTimmTable() {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> timmBlocks = new ArrayList<>();
        for (int s = 0; s < TIMM_STAGE_BLOCKS.length; s++) {
            for (int b = 0; b < TIMM_STAGE_BLOCKS[s]; b++) {
                timmBlocks.add("blocks." + s + "." + b);
            }
        }
        for (MobileNetV3Large.Layer l : MobileNetV3Large.layers()) {
            String f = "features." + l.index();
            if (l.index() == 0) {
                convBn(m, "conv_stem", "bn1", f);
            } else if (!l.bneck()) {
                convBn(m, "blocks.6.0.conv", "blocks.6.0.bn1", f);
            } else {
                String t = timmBlocks.get(l.index() - 1);
                String b = f + ".block.";
                int j = 0;
                if (l.expanded() == l.in()) {
                    // timm DepthwiseSeparableConv: conv_dw, bn1, [se], conv_pw, bn2
                    convBn(m, t + ".conv_dw", t + ".bn1", b + j++);
                    j = se(m, l, t, b, j);
                    convBn(m, t + ".conv_pw", t + ".bn2", b + j);
                } else {
                    // timm InvertedResidual: conv_pw, bn1, conv_dw, bn2, [se], conv_pwl, bn3
                    convBn(m, t + ".conv_pw", t + ".bn1", b + j++);
                    convBn(m, t + ".conv_dw", t + ".bn2", b + j++);
                    j = se(m, l, t, b, j);
                    convBn(m, t + ".conv_pwl", t + ".bn3", b + j);
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static int se(Map<String, String> m, MobileNetV3Large.Layer l, String t, String b, int j) {
        if (!l.se()) {
            return j;
        }
        for (String p : new String[] {"weight", "bias"}) {
            m.put(t + ".se.conv_reduce." + p, b + j + ".fc1." + p);
            m.put(t + ".se.conv_expand." + p, b + j + ".fc2." + p);
        }
        return j + 1;
    }

    private static void convBn(Map<String, String> m, String conv, String bn, String prefix) {
        m.put(conv + ".weight", prefix + ".0.weight");
        for (String p : BN) {
            m.put(bn + "." + p, prefix + ".1." + p);
        }
    }
}
