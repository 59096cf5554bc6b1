package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;

import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

class CompactorTest {

    /** 3 heads of 32, 384 hidden units, 3 blocks, 28×28 grey. */
    private static final DeiTConfig MINI = DeiTConfig.mini().withDepth(3);
    /** 6 heads of 8, 96 hidden units, 4 blocks, 16×16 RGB, 7 classes. */
    private static final DeiTConfig SIX_HEADS = DeiTConfig.of(16, 3, 4, 48, 4, 6, 2.0, 7, 0.0);

    /** A DeiT whose every weight, bias and norm parameter is random, so no slice hides behind a 0. */
    static DeiT randomDeiT(DeiTConfig config, NDManager manager) {
        DeiT deit = DeiT.of(config);
        deit.setInitializer(new NormalInitializer(0.1f), p -> !p.getName().endsWith("gate"));
        deit.initialize(manager, DataType.FLOAT32, input(config, 1));
        return deit;
    }

    static Shape input(DeiTConfig config, int batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    /**
     * Gates a random subset of each block's units off; block 0 keeps one head and one neuron, the
     * last block keeps everything, the others random counts.
     */
    static void randomGates(DeiT deit, Random random) {
        int depth = deit.blocks().size();
        for (int i = 0; i < depth; i++) {
            DeiTBlock block = deit.blocks().get(i);
            int heads = block.attention().heads();
            int hidden = block.mlp().hidden();
            int keepHeads = i == 0 ? 1 : i == depth - 1 ? heads : 1 + random.nextInt(heads);
            int keepNeurons = i == 0 ? 1 : i == depth - 1 ? hidden : 1 + random.nextInt(hidden);
            setGate(block.attention().headGate(), pattern(heads, keepHeads, random));
            setGate(block.mlp().neuronGate(), pattern(hidden, keepNeurons, random));
        }
    }

    static float[] pattern(int units, int keep, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < units; j++) {
            order.add(j);
        }
        Collections.shuffle(order, random);
        float[] gate = new float[units];
        for (int j = 0; j < keep; j++) {
            gate[order.get(j)] = 1f;
        }
        return gate;
    }

    static void setGate(Parameter gate, float[] values) {
        NDArray array = gate.getArray();
        try (NDManager scope = NDManager.subManagerOf(array)) {
            array.set(new NDIndex(":"), scope.create(values));
        }
    }

    static NDArray forward(DeiT deit, NDManager manager, NDArray x) {
        return deit.forward(new ParameterStore(manager, false), new NDList(x), false).head();
    }

    static long parametersWithoutGates(DeiT deit) {
        long total = 0;
        for (Pair<String, Parameter> p : deit.getParameters()) {
            if (!p.getKey().endsWith("gate")) {
                total += p.getValue().getArray().size();
            }
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void compactedModelComputesWhatTheGatedModelComputes(long seed) {
        for (DeiTConfig config : List.of(MINI, SIX_HEADS)) {
            try (NDManager root = NDManager.newBaseManager();
                    NDManager gatedManager = root.newSubManager();
                    NDManager compactManager = root.newSubManager()) {
                DeiT gated = randomDeiT(config, gatedManager);
                randomGates(gated, new Random(seed));
                int arraysBefore = gatedManager.getManagedArrays().size();

                DeiT compact = Compactor.compact(gated, compactManager);

                assertEquals(arraysBefore, gatedManager.getManagedArrays().size(),
                        "compaction left arrays in the gated model's manager");
                List<KeptUnits> kept = Compactor.keptUnits(gated);
                for (int i = 0; i < config.depth(); i++) {
                    BlockShape shape = compact.config().blocks().get(i);
                    assertEquals(kept.get(i).shape(), shape);
                    assertEquals(shape.heads(), compact.blocks().get(i).attention().heads());
                    assertEquals(shape.hidden(), compact.blocks().get(i).mlp().hidden());
                    assertEquals((float) shape.heads(),
                            compact.blocks().get(i).attention().headGate().getArray().sum().getFloat());
                    assertEquals((float) shape.hidden(),
                            compact.blocks().get(i).mlp().neuronGate().getArray().sum().getFloat());
                }
                assertEquals(1, compact.config().blocks().get(0).heads());
                assertEquals(config.heads(), compact.config().blocks().get(config.depth() - 1).heads());
                assertEquals(CostModel.of(compact.config()).dense().params(), parametersWithoutGates(compact));
                assertTrue(parametersWithoutGates(compact) < parametersWithoutGates(gated));

                NDArray x = root.randomNormal(input(config, 3));
                NDArray expected = forward(gated, root, x);
                NDArray actual = forward(compact, root, x);
                assertEquals(expected.getShape(), actual.getShape());
                float diff = actual.sub(expected).abs().max().getFloat();
                assertTrue(diff <= 1e-5f, "compacted to " + compact.config().blocks() + " seed " + seed + ": max |diff| " + diff);

                // The comparison is sensitive: switching one more unit off in the gated model shows.
                Parameter gate = gated.blocks().get(config.depth() - 1).attention().headGate();
                float[] values = gate.getArray().toFloatArray();
                values[0] = 0f;
                setGate(gate, values);
                float changed = forward(gated, root, x).sub(actual).abs().max().getFloat();
                assertTrue(changed > 1e-3f, "one head less only changed the output by " + changed);
            }
        }
    }

    @Test
    void paddedNeuronsAreInertAndCounted() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, root);
            // block 0: 5 neurons -> 8; block 1: 17 -> 24; block 2: 382 -> 384 (capped at the block's 384)
            int[] keep = {5, 17, 382};
            Random random = new Random(11);
            for (int i = 0; i < 3; i++) {
                setGate(gated.blocks().get(i).mlp().neuronGate(), pattern(384, keep[i], random));
            }
            setGate(gated.blocks().get(1).attention().headGate(), new float[] {0, 1, 1});
            DeiT compact = Compactor.compact(gated, root, 8);
            assertEquals(List.of(new BlockShape(3, 8), new BlockShape(2, 24), new BlockShape(3, 384)),
                    compact.config().blocks());
            for (int i = 0; i < 3; i++) {
                float[] gate = compact.blocks().get(i).mlp().neuronGate().getArray().toFloatArray();
                for (int j = 0; j < gate.length; j++) {
                    assertEquals(j < keep[i] ? 1f : 0f, gate[j], "block " + i + " gate " + j);
                }
                NDArray fc1 = compact.blocks().get(i).mlp().fc1().getParameters().get("weight").getArray();
                NDArray fc2 = compact.blocks().get(i).mlp().fc2().getParameters().get("weight").getArray();
                assertEquals(0f, fc1.get(keep[i] + ":, :").abs().sum().getFloat(), 0f);
                assertEquals(0f, fc2.get(":, " + keep[i] + ":").abs().sum().getFloat(), 0f);
            }
            assertEquals(CostModel.of(compact.config()).dense().params(), parametersWithoutGates(compact));
            // the padded model compacts back to the unpadded counts
            assertEquals(List.of(5, 17, 382), Compactor.keptUnits(compact).stream()
                    .map(k -> k.neurons().size()).collect(java.util.stream.Collectors.toList()));

            NDArray x = root.randomNormal(input(MINI, 3));
            float diff = forward(compact, root, x).sub(forward(gated, root, x)).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "max |diff| " + diff);

            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Compactor.compact(gated, root, 0));
            assertTrue(e.getMessage().contains("multiple must be >= 1, got 0"), e.getMessage());
        }
    }

    @Test
    void compactedWeightsAreCopiesNotViews() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, root);
            randomGates(gated, new Random(7));
            DeiT compact = Compactor.compact(gated, root);
            NDArray x = root.randomNormal(input(MINI, 2));
            NDArray before = forward(gated, root, x);
            for (Pair<String, Parameter> p : compact.getParameters()) {
                if (!p.getKey().endsWith("gate")) {
                    p.getValue().getArray().set(new NDIndex("..."), 0.5f);
                }
            }
            NDArray after = forward(gated, root, x);
            assertEquals(0f, after.sub(before).abs().max().getFloat(), 0f);
        }
    }

    @Test
    void keptUnitsListTheOpenGatesInOrder() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, root);
            setGate(gated.blocks().get(1).attention().headGate(), new float[] {1, 0, 1});
            float[] neurons = new float[384];
            neurons[3] = 1;
            neurons[300] = 1;
            neurons[383] = 1;
            setGate(gated.blocks().get(1).mlp().neuronGate(), neurons);
            KeptUnits kept = Compactor.keptUnits(gated).get(1);
            assertEquals(List.of(0, 2), kept.heads());
            assertEquals(List.of(3, 300, 383), kept.neurons());
            assertEquals(new BlockShape(2, 3), Compactor.compactedConfig(gated).blocks().get(1));
            assertEquals(new BlockShape(3, 384), Compactor.compactedConfig(gated).blocks().get(0));
        }
    }

    @Test
    void qkvRowsAreTheQueryKeyAndValueRowsOfEachKeptHead() {
        // 3 heads of 2 dimensions: q rows 0-5, k rows 6-11, v rows 12-17; keep heads 0 and 2.
        assertArrayEquals(new long[] {0, 1, 4, 5, 6, 7, 10, 11, 12, 13, 16, 17},
                Compactor.qkvRows(List.of(0, 2), 3, 2));
        assertArrayEquals(new long[] {0, 1, 4, 5}, Compactor.headColumns(List.of(0, 2), 2));
    }

    @Test
    void gatesThatAreNeitherZeroNorOneAreRefused() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, root);
            float[] neurons = new float[384];
            java.util.Arrays.fill(neurons, 1f);
            neurons[5] = 0.5f;
            setGate(gated.blocks().get(1).mlp().neuronGate(), neurons);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Compactor.compact(gated, root));
            assertTrue(e.getMessage().contains("block 1 neuron_gate[5] is 0.5"), e.getMessage());

            neurons[5] = Float.NaN;
            setGate(gated.blocks().get(1).mlp().neuronGate(), neurons);
            e = assertThrows(IllegalArgumentException.class, () -> Compactor.keptUnits(gated));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    @Test
    void aBlockWithoutHeadsOrNeuronsIsRefused() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI, root);
            setGate(gated.blocks().get(2).attention().headGate(), new float[3]);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Compactor.compact(gated, root));
            assertTrue(e.getMessage().contains("block 2 has all 3 heads gated off"), e.getMessage());

            setGate(gated.blocks().get(2).attention().headGate(), new float[] {0, 1, 0});
            setGate(gated.blocks().get(0).mlp().neuronGate(), new float[384]);
            e = assertThrows(IllegalArgumentException.class, () -> Compactor.compact(gated, root));
            assertTrue(e.getMessage().contains("block 0 has all 384 MLP neurons gated off"), e.getMessage());
        }
    }

    @Test
    void anUninitialisedModelIsRefused() {
        try (NDManager root = NDManager.newBaseManager()) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> Compactor.compact(DeiT.of(MINI), root));
            assertTrue(e.getMessage().contains("initialise or load"), e.getMessage());
        }
    }

    /** Patch gate values: random in [0.5, 1.5), with the positions in {@code dropped} set to 0. */
    static float[] patchValues(int n, List<Integer> dropped, Random random) {
        float[] g = new float[n];
        for (int j = 0; j < n; j++) {
            g[j] = dropped.contains(j) ? 0f : 0.5f + random.nextFloat();
        }
        return g;
    }

    @Test
    void droppedPatchPositionsCompactToTheMaskedModelsOutputAndTheCostModelsCount() {
        DeiTConfig config = MINI.withPatchGates(true);
        try (NDManager root = NDManager.newBaseManager();
                NDManager gatedManager = root.newSubManager();
                NDManager compactManager = root.newSubManager()) {
            DeiT gated = randomDeiT(config, gatedManager);
            Random random = new Random(7);
            randomGates(gated, random);
            List<Integer> dropped = new ArrayList<>();
            for (int j = 0; j < config.patches(); j++) {
                if (j % 3 != 1) {
                    dropped.add(j);
                }
            }
            float[] patchGate = patchValues(config.patches(), dropped, random);
            setGate(gated.patchGate().orElseThrow(), patchGate);

            DeiT compact = Compactor.compact(gated, compactManager);

            List<Integer> kept = new ArrayList<>();
            List<Float> keptValues = new ArrayList<>();
            for (int j = 0; j < config.patches(); j++) {
                if (!dropped.contains(j)) {
                    kept.add(j);
                    keptValues.add(patchGate[j]);
                }
            }
            assertEquals(kept, compact.config().keptPositions());
            assertEquals(16, compact.config().keptPatches());
            float[] compactGate = compact.patchGate().orElseThrow().getArray().toFloatArray();
            for (int j = 0; j < kept.size(); j++) {
                assertEquals(keptValues.get(j), compactGate[j], 0f, "the kept positions keep their learned values");
            }
            assertEquals(new Shape(1, 17, config.width()), compact.posEmbedding().getArray().getShape());
            assertEquals(CostModel.of(compact.config()).estimate().params(), parametersWithoutGates(compact));
            assertEquals(parametersWithoutGates(withAllPatches(gated, root))
                            - (long) dropped.size() * config.width(),
                    parametersWithoutGates(compact), "each dropped position saves its position-embedding row");

            NDArray x = root.randomNormal(input(config, 3));
            float diff = forward(compact, root, x).sub(forward(gated, root, x)).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "max |diff| " + diff);

            // Compacting again drops positions of the already-compacted model, composed with the first.
            float[] again = compactGate.clone();
            again[0] = 0f;
            again[5] = 0f;
            setGate(compact.patchGate().orElseThrow(), again);
            DeiT twice = Compactor.compact(compact, compactManager);
            List<Integer> expected = new ArrayList<>(kept);
            expected.remove(5);
            expected.remove(0);
            assertEquals(expected, twice.config().keptPositions());
            diff = forward(twice, root, x).sub(forward(compact, root, x)).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "second compaction: max |diff| " + diff);
        }
    }

    /** The compacted model of the same units with every patch position kept (the patch gate is restored after). */
    private static DeiT withAllPatches(DeiT gated, NDManager manager) {
        Parameter gate = gated.patchGate().orElseThrow();
        float[] saved = gate.getArray().toFloatArray();
        float[] ones = new float[saved.length];
        java.util.Arrays.fill(ones, 1f);
        setGate(gate, ones);
        DeiT all = Compactor.compact(gated, manager);
        setGate(gate, saved);
        return all;
    }

    @Test
    void aPatchGateOfZerosEverywhereIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT gated = randomDeiT(MINI.withPatchGates(true), manager);
            setGate(gated.patchGate().orElseThrow(), new float[MINI.patches()]);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Compactor.compact(gated, manager));
            assertTrue(e.getMessage().contains("patch_gate is all 0"), e.getMessage());
        }
    }
}
