package faceattr.model;

import faceattr.labels.Task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, validation messages and the task-group syntax of {@link ModelConfig}. */
class ModelConfigTest {

    @Test
    void defaults() {
        ModelConfig c = ModelConfig.DEFAULT;
        assertEquals(112, c.inputSize());
        assertEquals(MobileNetV3Large.STAGES, c.branchPoint());
        assertEquals(List.of("age", "gender", "race", "emotion"), c.taskGroups().stream().map(TaskGroup::name).toList());
        assertEquals(List.of(Task.AGE, Task.AGE_GROUP, Task.GENDER, Task.RACE, Task.EMOTION), c.tasks());
        assertEquals(256, c.dModel());
        assertEquals(4, c.heads());
        assertEquals(1, c.attentionLayers());
        assertEquals(ModelConfig.Pooling.CLS, c.pooling());
        assertEquals(101, c.ageBins());
        assertEquals(4, c.gridSize());
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void gridFollowsInputSize() {
        assertEquals(7, ModelConfig.builder().optInputSize(224).build().gridSize());
        assertEquals(5, ModelConfig.builder().optInputSize(160).build().gridSize());
        assertEquals(4, ModelConfig.builder().optInputSize(128).build().gridSize());
    }

    private static void rejects(String fragment, ModelConfig.Builder b) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void validationNamesTheField() {
        rejects("input size must be one of [112, 128, 160, 224], got 100", ModelConfig.builder().optInputSize(100));
        rejects("branch point must be 0 (nothing shared) to 7", ModelConfig.builder().optBranchPoint(8));
        rejects("branch point", ModelConfig.builder().optBranchPoint(-1));
        rejects("multiple of the heads (3)", ModelConfig.builder().optHeads(3));
        rejects("heads must be >= 1", ModelConfig.builder().optHeads(0));
        rejects("dropout must be in [0, 1), got 1.0", ModelConfig.builder().optDropout(1f));
        rejects("age bins must be >= 2", ModelConfig.builder().optAgeBins(1));
        rejects("attention layers must be >= 0", ModelConfig.builder().optAttentionLayers(-1));
        rejects("task gender is in more than one task group",
                ModelConfig.builder().optTaskGroups("age+gender,gender"));
        rejects("used twice", ModelConfig.builder().optTaskGroups("a=age,a=race"));
        rejects("at least one task group", ModelConfig.builder().optTaskGroups(List.of()));
    }

    @Test
    void taskGroupSyntax() {
        List<TaskGroup> g = TaskGroup.parse("age+age_group, gender+race ,face=emotion");
        assertEquals(3, g.size());
        assertEquals("age", g.get(0).name());
        assertEquals("gender_race", g.get(1).name());
        assertEquals("face", g.get(2).name());
        assertEquals(List.of(TaskGroup.parse(g.get(1).spec()).get(0)), List.of(g.get(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskGroup.parse("age,smile"));
        assertTrue(e.getMessage().contains("unknown task 'smile'"), e.getMessage());
        // the outputs follow Task order whatever the group order
        ModelConfig c = ModelConfig.builder().optTaskGroups("emotion,gender+age").build();
        assertEquals(List.of(Task.AGE, Task.GENDER, Task.EMOTION), c.tasks());
        assertEquals(1, c.groupOf(Task.AGE));
        assertEquals(-1, c.groupOf(Task.RACE));
    }
}
