package faceattr.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import faceattr.model.io.ModelCard;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The architecture map survives the model card's JSON; bad maps name the key. */
class ModelConfigJsonTest {
    @Test
    void roundTripThroughCardJson() throws Exception {
        ModelConfig c = ModelConfig.builder().optInputSize(160).optBranchPoint(4)
                .optTaskGroups("face=gender+race,age+age_group,emotion").optDModel(128).optHeads(8)
                .optAttentionLayers(2).optMlpRatio(3).optPooling(ModelConfig.Pooling.MEAN).optDropout(0.15f)
                .optAgeBins(90).build();
        ModelCard card = ModelCard.builder().setName("x").optArchitecture(ModelConfigJson.toMap(c))
                .setInput(160, 160, new float[] {0, 0, 0}, new float[] {1, 1, 1}).build();
        String json = card.toJson().replace("\n}\n", ",\n\"parameters\": {\"sha256\": \""
                + "0".repeat(64) + "\"}\n}\n");
        ModelCard back = ModelCard.fromJson(json, Path.of("model.json"));
        assertEquals(c, ModelConfigJson.fromMap(back.architecture()));
        assertEquals(ModelConfig.DEFAULT, ModelConfigJson.fromMap(ModelConfigJson.toMap(ModelConfig.DEFAULT)));
    }

    @Test
    void badMapsNameTheKey() {
        Map<String, Object> m = new LinkedHashMap<>(ModelConfigJson.toMap(ModelConfig.DEFAULT));
        m.remove("heads");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.fromMap(m)).getMessage()
                .contains("'heads'"));
        Map<String, Object> m2 = new LinkedHashMap<>(ModelConfigJson.toMap(ModelConfig.DEFAULT));
        m2.put("colour", 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.fromMap(m2)).getMessage()
                .contains("'colour'"));
    }
}
