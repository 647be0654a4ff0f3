package faceattr.model;

import faceattr.io.Json;
import faceattr.io.JsonFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts a {@link ModelConfig} to and from the JSON-like map of a model card's
 * {@code architecture} field.
 *
 * <p>Keys: {@code network} ({@value #NETWORK}), {@code backbone} ({@value #BACKBONE}),
 * {@code input_size}, {@code branch_point}, {@code task_groups} (a list of
 * {@link TaskGroup#spec()} strings such as {@code age=age+age_group}), {@code d_model},
 * {@code heads}, {@code attention_layers}, {@code mlp_ratio}, {@code pooling} ({@code cls} or
 * {@code mean}), {@code dropout}, {@code age_bins}. Reading requires every key: a card that
 * leaves one out does not say which network its parameters belong to.
 */
public final class ModelConfigJson {
    /** The value of the {@code network} key. */
    public static final String NETWORK = "faceattr_multitask";
    /** The value of the {@code backbone} key. */
    public static final String BACKBONE = "mobilenet_v3_large";

    private static final Set<String> KEYS = Set.of("network", "backbone", "input_size", "branch_point", "task_groups",
            "d_model", "heads", "attention_layers", "mlp_ratio", "pooling", "dropout", "age_bins");

    private ModelConfigJson() {
    }

    /**
     * @param config a configuration
     * @return its map for {@code ModelCard.Builder.optArchitecture}, in a stable key order
     */
    public static Map<String, Object> toMap(ModelConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", NETWORK);
        m.put("backbone", BACKBONE);
        m.put("input_size", config.inputSize());
        m.put("branch_point", config.branchPoint());
        List<String> groups = new ArrayList<>();
        config.taskGroups().forEach(g -> groups.add(g.spec()));
        m.put("task_groups", groups);
        m.put("d_model", config.dModel());
        m.put("heads", config.heads());
        m.put("attention_layers", config.attentionLayers());
        m.put("mlp_ratio", config.mlpRatio());
        m.put("pooling", config.pooling().name().toLowerCase(Locale.ROOT));
        m.put("dropout", config.dropout());
        m.put("age_bins", config.ageBins());
        return m;
    }

    /**
     * @param map a card's architecture map (numbers as any {@link Number})
     * @return the configuration
     * @throws IllegalArgumentException naming the key when one is missing, unknown, of the wrong
     *     type or out of range
     */
    public static ModelConfig fromMap(Map<String, ?> map) {
        for (String k : map.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("architecture: unknown key '" + k + "'");
            }
        }
        // Read through a JSON tree, so that types and ranges are checked as in every other file.
        JsonFields a = JsonFields.of(Json.toTree(map), "architecture");
        if (!NETWORK.equals(a.string("network"))) {
            throw new IllegalArgumentException("architecture: network must be '" + NETWORK + "', got '"
                    + map.get("network") + "'");
        }
        if (!BACKBONE.equals(a.string("backbone"))) {
            throw new IllegalArgumentException("architecture: backbone must be '" + BACKBONE + "', got '"
                    + map.get("backbone") + "'");
        }
        List<String> groups = a.strings("task_groups");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("architecture: task_groups must be a non-empty list of strings");
        }
        ModelConfig.Pooling pooling;
        try {
            pooling = ModelConfig.Pooling.valueOf(a.string("pooling").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture: pooling must be cls or mean, got '" + map.get("pooling")
                    + "'", e);
        }
        return ModelConfig.builder().optInputSize(a.integer("input_size")).optBranchPoint(a.integer("branch_point"))
                .optTaskGroups(TaskGroup.parse(String.join(",", groups))).optDModel(a.integer("d_model"))
                .optHeads(a.integer("heads")).optAttentionLayers(a.integer("attention_layers"))
                .optMlpRatio(a.integer("mlp_ratio")).optPooling(pooling).optDropout((float) a.number("dropout"))
                .optAgeBins(a.integer("age_bins")).build();
    }
}
