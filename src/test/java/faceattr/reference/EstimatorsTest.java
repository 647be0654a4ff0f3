package faceattr.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import faceattr.core.FaceAttrException;
import faceattr.engine.Engines;
import faceattr.estimate.AttributeEstimator;
import faceattr.estimate.MultiTaskEstimator;
import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import faceattr.model.io.ModelFolder;
import faceattr.model.io.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model store (install, list, remove) and how a model choice becomes an estimator. */
class EstimatorsTest {
    @TempDir
    static Path shared;
    private static Path model;

    /** One small trained-model folder, written like a training run writes it. */
    @BeforeAll
    static void saveModel() throws Exception {
        ModelConfig config = ModelConfig.builder().optBranchPoint(5).optAttentionLayers(1).build();
        model = shared.resolve("my-model");
        try (NDManager m = Engines.newManager()) {
            MultiTaskNet net = new MultiTaskNet(config);
            net.initialize(m);
            try (MultiTaskEstimator e = MultiTaskEstimator.fromNet(net, MultiTaskEstimator.defaultCard("mine", config))) {
                e.save(model, e.card());
            }
        }
    }

    @Test
    void withoutInstalledModelsTheDefaultIsReference(@TempDir Path root) throws Exception {
        ModelStore store = new ModelStore(root.resolve("none-yet"));
        assertTrue(store.list().isEmpty());
        assertEquals("reference", Estimators.defaultChoice(store));
        try (AttributeEstimator e = Estimators.open(null, store)) {
            assertInstanceOf(ReferenceEstimator.class, e);
        }
    }

    @Test
    void theFingerprintFollowsWhatWouldBeOpened(@TempDir Path root) throws Exception {
        ModelStore store = new ModelStore(root.resolve("store"));
        assertEquals("reference", Estimators.fingerprint(null, store), "no installed model: reference");
        assertEquals("reference", Estimators.fingerprint(" reference ", store));
        Path copy = root.resolve("copy");
        Files.createDirectories(copy);
        for (String f : new String[] {ModelFolder.CARD_FILE, ModelFolder.PARAMETERS_FILE}) {
            Files.copy(model.resolve(f), copy.resolve(f));
        }
        String before = Estimators.fingerprint(copy.toString(), store);
        assertTrue(before.startsWith(copy.toAbsolutePath().toString()), before);
        assertEquals(before, Estimators.fingerprint(copy.toString(), store), "unchanged folder, same fingerprint");
        Files.setLastModifiedTime(copy.resolve(ModelFolder.PARAMETERS_FILE),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertFalse(before.equals(Estimators.fingerprint(copy.toString(), store)), "retrained in place");
        ModelStore.Installed installed = store.install(copy, "mine", false);
        assertEquals(Estimators.fingerprint(installed.dir().toString(), store), Estimators.fingerprint(null, store),
                "the default is the newest installed model, by name or by folder");
    }

    @Test
    void installListUseAndRemove(@TempDir Path root) throws Exception {
        ModelStore store = new ModelStore(root);
        ModelStore.Installed m = store.install(model, null, false);
        assertEquals("my-model", m.name());
        assertEquals("mine", m.card().name());
        assertEquals(1, store.list().size());
        assertEquals("my-model", Estimators.defaultChoice(store), "an installed model becomes the default");
        try (AttributeEstimator e = Estimators.open(null, store)) {
            assertInstanceOf(MultiTaskEstimator.class, e);
            assertEquals("mine", e.name());
        }
        try (AttributeEstimator e = Estimators.open("reference", store)) {
            assertInstanceOf(ReferenceEstimator.class, e, "reference stays selectable");
        }
        FaceAttrException taken = assertThrows(FaceAttrException.class, () -> store.install(model, null, false));
        assertTrue(taken.getMessage().contains("installed already"), taken.getMessage());
        store.install(model, null, true);
        store.install(model, "copy", false);
        assertEquals(2, store.list().size());
        store.remove("my-model");
        assertEquals(1, store.list().size());
        assertFalse(Files.exists(root.resolve("my-model")));
        assertThrows(FaceAttrException.class, () -> store.remove("my-model"));
        for (String bad : new String[] {"reference", "../escape", ".hidden", ""}) {
            assertThrows(FaceAttrException.class, () -> store.install(model, bad, false), bad);
        }
    }

    @Test
    void aCorruptModelIsNeitherInstalledNorListed(@TempDir Path root) throws Exception {
        Path broken = root.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(model.resolve(ModelFolder.CARD_FILE), broken.resolve(ModelFolder.CARD_FILE));
        byte[] params = Files.readAllBytes(model.resolve(ModelFolder.PARAMETERS_FILE));
        Files.write(broken.resolve(ModelFolder.PARAMETERS_FILE), java.util.Arrays.copyOf(params, params.length / 2));
        ModelStore store = new ModelStore(root.resolve("store"));
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> store.install(broken, null, false));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
        assertTrue(store.list().isEmpty());
        // Dropped into the store by hand, it is reported, not listed, and not the default.
        ModelStore direct = new ModelStore(root);
        assertTrue(direct.list().isEmpty());
        assertEquals(1, direct.problems().size());
        assertEquals("reference", Estimators.defaultChoice(direct));
    }

    @Test
    void anUnknownChoiceNamesTheStore(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        FaceAttrException e = assertThrows(FaceAttrException.class, () -> Estimators.open("nowhere", store));
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains(root.toString()), e.getMessage());
    }
}
