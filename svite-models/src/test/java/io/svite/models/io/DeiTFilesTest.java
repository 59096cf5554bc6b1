package io.svite.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.svite.models.compact.Compactor;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTBlock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

class DeiTFilesTest {

    private static final DeiTConfig MINI = DeiTConfig.mini().withDepth(2);

    @TempDir Path tmp;

    private static DeiT randomDeiT(DeiTConfig config, NDManager manager) {
        DeiT deit = DeiT.of(config);
        deit.setInitializer(new NormalInitializer(0.1f), p -> !p.getName().endsWith("gate"));
        deit.initialize(manager, DataType.FLOAT32, new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
        return deit;
    }

    /** Block 0 keeps heads 0 and 2 and 100 neurons; block 1 keeps head 1 and every neuron. */
    private static void gate(DeiT deit, NDManager manager) {
        DeiTBlock b0 = deit.blocks().get(0);
        b0.attention().headGate().getArray().set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(new float[] {1, 0, 1}));
        float[] neurons = new float[384];
        for (int j = 0; j < 100; j++) {
            neurons[3 * j] = 1;
        }
        b0.mlp().neuronGate().getArray().set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(neurons));
        deit.blocks().get(1).attention().headGate().getArray()
                .set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(new float[] {0, 1, 0}));
    }

    private static NDArray forward(Model model, NDArray x) {
        return model.getBlock().forward(new ParameterStore(x.getManager(), false), new NDList(x), false).head();
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Saves a compacted mini DeiT (block 0: 2 heads, 100 neurons; block 1: 1 head) into dir. */
    private Path saveCompacted(Path dir, NDManager manager) throws IOException {
        DeiT gated = randomDeiT(MINI, manager);
        gate(gated, manager);
        DeiTFiles.save(Compactor.compact(gated, manager), dir);
        return dir;
    }

    @Test
    void aCompactedModelRoundTripsWithItsArchitectureAndWeights() throws IOException {
        Path dir = tmp.resolve("compact");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, manager);
            gate(gated, manager);
            DeiT compact = Compactor.compact(gated, manager);
            try (Model model = Model.newInstance("deit")) {
                model.setBlock(compact);
                DeiTFiles.save(model, dir);
            }
            assertEquals(List.of(DeiTFiles.WEIGHTS_FILE, DeiTFiles.CONFIG_FILE), files(dir));
            assertEquals(compact.config(), DeiTFiles.readConfig(dir));
            assertEquals(List.of(new BlockShape(2, 100), new BlockShape(1, 384)), DeiTFiles.readConfig(dir).blocks());

            NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
            NDArray expected = compact.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            try (Model loaded = DeiTFiles.load(dir, Device.cpu())) {
                DeiT deit = (DeiT) loaded.getBlock();
                assertEquals(compact.config(), deit.config());
                assertEquals(0f, forward(loaded, x).sub(expected).abs().max().getFloat(), 0f);
            }
        }
    }

    @Test
    void aGatedModelKeepsItsClosedGates() throws IOException {
        Path dir = tmp.resolve("gated");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, manager);
            gate(gated, manager);
            DeiTFiles.save(gated, dir);
            try (Model loaded = DeiTFiles.load(dir, null)) {
                DeiT deit = (DeiT) loaded.getBlock();
                assertEquals(MINI, deit.config());
                assertEquals(2f, deit.blocks().get(0).attention().headGate().getArray().sum().getFloat());
                assertEquals(100f, deit.blocks().get(0).mlp().neuronGate().getArray().sum().getFloat());
                NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
                NDArray expected = gated.forward(new ParameterStore(manager, false), new NDList(x), false).head();
                assertEquals(0f, forward(loaded, x).sub(expected).abs().max().getFloat(), 0f);
            }
        }
    }

    @Test
    void theArchitectureFileCarriesEveryComponentOfTheConfiguration() {
        List<DeiTConfig> configs =
                List.of(DeiTConfig.tiny(), DeiTConfig.small(), DeiTConfig.base(), DeiTConfig.mini(),
                        DeiTConfig.small().withBlocks(List.of(
                                new BlockShape(4, 921), new BlockShape(1, 1), new BlockShape(6, 1536),
                                new BlockShape(2, 7), new BlockShape(3, 100), new BlockShape(5, 921),
                                new BlockShape(4, 921), new BlockShape(4, 921), new BlockShape(4, 921),
                                new BlockShape(4, 921), new BlockShape(4, 921), new BlockShape(4, 1000))),
                        DeiTConfig.of(32, 3, 8, 64, 3, 4, 2.5, 7, 0.25));
        for (DeiTConfig config : configs) {
            String json = DeiTFiles.toJson(config);
            JsonObject object = JsonParser.parseString(json).getAsJsonObject();
            for (RecordComponent c : DeiTConfig.class.getRecordComponents()) {
                assertTrue(object.has(c.getName()), "component " + c.getName() + " missing from " + json);
            }
            assertEquals(config, DeiTFiles.configFromJson(json));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeiTFiles.configFromJson(DeiTFiles.toJson(DeiTConfig.mini()).replace("\"width\": 96", "\"width\": 95")));
        assertTrue(e.getMessage().contains("width 95 is not divisible by the number of heads 3"), e.getMessage());
    }

    @Test
    void savingReplacesAnEarlierSaveAndLeavesNoTemporaryFiles() throws IOException {
        Path dir = tmp.resolve("again");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiTFiles.save(randomDeiT(MINI, manager), dir);
            saveCompacted(dir, manager);
            assertEquals(List.of(DeiTFiles.WEIGHTS_FILE, DeiTFiles.CONFIG_FILE), files(dir));
            try (Model loaded = DeiTFiles.load(dir, null)) {
                assertEquals(new BlockShape(2, 100), ((DeiT) loaded.getBlock()).config().blocks().get(0));
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> DeiTFiles.save(DeiT.of(MINI), dir));
            assertTrue(e.getMessage().contains("no parameter values"), e.getMessage());
            assertEquals(List.of(DeiTFiles.WEIGHTS_FILE, DeiTFiles.CONFIG_FILE), files(dir));
            Path file = Files.writeString(tmp.resolve("a-file"), "x");
            IllegalArgumentException notAFolder =
                    assertThrows(IllegalArgumentException.class, () -> DeiTFiles.save(randomDeiT(MINI, manager), file));
            assertTrue(notAFolder.getMessage().contains("is a file"), notAFolder.getMessage());
        }
    }

    @Test
    void compactedWeightsIntoTheDenseArchitectureAreRefusedNamingTheParameter() throws IOException {
        Path dir = tmp.resolve("compact");
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCompacted(dir, manager);
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, MINI, null));
        // block 0 keeps 2 of 3 heads; its head gate is the first parameter that differs
        assertTrue(e.getMessage().contains("parameter block0_attn_head_gate has shape (2) in the file"
                + " but the architecture needs (3)"), e.getMessage());
        assertTrue(e.getMessage().contains(DeiTFiles.WEIGHTS_FILE), e.getMessage());

        // The same weights load into their own architecture given explicitly.
        DeiTConfig own = MINI.withBlocks(List.of(new BlockShape(2, 100), new BlockShape(1, 384)));
        try (Model model = DeiTFiles.load(dir, own, null)) {
            assertEquals(own, ((DeiT) model.getBlock()).config());
        }
    }

    @Test
    void weightsOfAnotherArchitectureAreRefused() throws IOException {
        Path dir = tmp.resolve("dense");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiTFiles.save(randomDeiT(MINI, manager), dir);
        }
        ModelFileException classes = assertThrows(ModelFileException.class,
                () -> DeiTFiles.load(dir, MINI.withClasses(7), null));
        assertTrue(classes.getMessage().contains("parameter head_weight has shape (10, 96) in the file"
                + " but the architecture needs (7, 96)"), classes.getMessage());

        ModelFileException deeper = assertThrows(ModelFileException.class,
                () -> DeiTFiles.load(dir, MINI.withDepth(3), null));
        assertTrue(deeper.getMessage().contains(DeiTFiles.WEIGHTS_FILE + " does not hold weights of the"
                + " architecture width 96, depth 3"), deeper.getMessage());
        assertTrue(deeper.getMessage().contains("deit.json says they are for width 96, depth 2, heads per block [3, 3]"),
                deeper.getMessage());

        // A hand-edited architecture file is caught the same way.
        Path json = dir.resolve(DeiTFiles.CONFIG_FILE);
        Files.writeString(json, Files.readString(json).replaceFirst("\"hidden\": 384", "\"hidden\": 192"));
        assertEquals(192, DeiTFiles.readConfig(dir).blocks().get(0).hidden());
        ModelFileException edited = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, null));
        assertTrue(edited.getMessage().contains("block0_mlp_neuron_gate has shape (384) in the file"
                + " but the architecture needs (192)"), edited.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path none = tmp.resolve("none");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DeiTFiles.load(none, null));
        assertTrue(e.getMessage().contains(none.toString()) && e.getMessage().contains("no such folder"), e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(NoSuchFileException.class, () -> DeiTFiles.load(empty, null));
        assertTrue(e.getMessage().contains(DeiTFiles.CONFIG_FILE), e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> DeiTFiles.load(empty, MINI, null));
        assertTrue(e.getMessage().contains(DeiTFiles.WEIGHTS_FILE), e.getMessage());

        Path dir = tmp.resolve("saved");
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCompacted(dir, manager);
        }
        Files.delete(dir.resolve(DeiTFiles.WEIGHTS_FILE));
        e = assertThrows(NoSuchFileException.class, () -> DeiTFiles.load(dir, null));
        assertTrue(e.getMessage().contains(DeiTFiles.WEIGHTS_FILE), e.getMessage());
    }

    @Test
    void aTruncatedWeightsFileIsRefused() throws IOException {
        Path dir = tmp.resolve("truncated");
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCompacted(dir, manager);
        }
        Path weights = dir.resolve(DeiTFiles.WEIGHTS_FILE);
        long size = Files.size(weights);
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(size / 2);
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, null));
        assertTrue(e.getMessage().contains("has " + size / 2 + " bytes but deit.json records " + size
                + ": the file is truncated"), e.getMessage());

        // Without the architecture file, DJL's reader runs out of data: also one clear error.
        Files.delete(dir.resolve(DeiTFiles.CONFIG_FILE));
        DeiTConfig own = MINI.withBlocks(List.of(new BlockShape(2, 100), new BlockShape(1, 384)));
        e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, own, null));
        assertTrue(e.getMessage().contains("is truncated"), e.getMessage());
    }

    @Test
    void corruptFilesAreRefused() throws IOException {
        Path dir = tmp.resolve("corrupt");
        try (NDManager manager = NDManager.newBaseManager()) {
            saveCompacted(dir, manager);
        }
        Path weights = dir.resolve(DeiTFiles.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(weights, bytes);
        ModelFileException e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, null));
        assertTrue(e.getMessage().contains("does not match the SHA-256"), e.getMessage());

        // Not a DJL file at all (without the architecture file to catch it first).
        Path json = dir.resolve(DeiTFiles.CONFIG_FILE);
        String jsonText = Files.readString(json);
        Files.delete(json);
        Files.write(weights, "PK\u0003\u0004 something else".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, MINI, null));
        assertTrue(e.getMessage().contains("is not a DJL parameter file"), e.getMessage());

        Files.writeString(json, "{ this is not json");
        e = assertThrows(ModelFileException.class, () -> DeiTFiles.load(dir, null));
        assertTrue(e.getMessage().contains("deit.json is not valid JSON"), e.getMessage());

        Files.writeString(json, jsonText.replaceFirst("\"hidden\": 100", "\"hidden\": 0"));
        e = assertThrows(ModelFileException.class, () -> DeiTFiles.readConfig(dir));
        assertTrue(e.getMessage().contains("invalid architecture: MLP hidden units must be >= 1, got 0"), e.getMessage());

        Files.writeString(json, jsonText.replace("\"svite-deit\"", "\"something\""));
        e = assertThrows(ModelFileException.class, () -> DeiTFiles.readConfig(dir));
        assertTrue(e.getMessage().contains("not a saved svite DeiT"), e.getMessage());
    }

    @Test
    void aLoadedModelCanBeSavedAgainAndLoadsToTheSameWeights() throws Exception {
        DeiTConfig config = DeiTConfig.mini().withDepth(2);
        Path first = tmp.resolve("first");
        Path second = tmp.resolve("second");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = DeiT.of(config);
            deit.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, 28, 28));
            DeiTFiles.save(deit, first);
        }
        try (ai.djl.Model loaded = DeiTFiles.load(first, ai.djl.Device.cpu())) {
            DeiTFiles.save(loaded, second);
        }
        assertArrayEquals(Files.readAllBytes(first.resolve(DeiTFiles.WEIGHTS_FILE)),
                Files.readAllBytes(second.resolve(DeiTFiles.WEIGHTS_FILE)));
    }

    @Test
    void aModelWithKeptPatchPositionsRoundTrips() throws IOException {
        Path dir = tmp.resolve("patches");
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI.withPatchGates(true), manager);
            gate(gated, manager);
            float[] patchGate = new float[MINI.patches()];
            for (int j = 0; j < patchGate.length; j += 4) {
                patchGate[j] = 0.25f + j / 100f;
            }
            gated.patchGate().orElseThrow().getArray().set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(patchGate));
            DeiT compact = Compactor.compact(gated, manager);
            assertEquals(13, compact.config().keptPatches());
            try (Model model = Model.newInstance("deit")) {
                model.setBlock(compact);
                DeiTFiles.save(model, dir);
            }
            DeiTConfig read = DeiTFiles.readConfig(dir);
            assertEquals(compact.config(), read);
            assertEquals(List.of(0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48), read.keptPositions());
            assertTrue(read.patchGates());

            NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
            NDArray expected = compact.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            try (Model loaded = DeiTFiles.load(dir, Device.cpu())) {
                assertEquals(compact.config(), ((DeiT) loaded.getBlock()).config());
                assertEquals(0f, forward(loaded, x).sub(expected).abs().max().getFloat(), 0f);
            }
        }
    }
}
