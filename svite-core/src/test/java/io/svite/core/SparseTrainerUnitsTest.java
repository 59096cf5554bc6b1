package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.optimizer.Optimizers;
import io.svite.core.policy.PolicyProbe;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.schedule.Decay;
import io.svite.core.structured.StructuredUnits;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.structured.UnitEvidence;
import io.svite.core.structured.UnitFamily;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitSlice;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.GatedNet;
import io.svite.core.testing.Mlp;
import io.svite.core.training.BindingInitializer;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

class SparseTrainerUnitsTest {

    static DefaultTrainingConfig config(Optimizer optimizer) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
    }

    static Optimizer optimizer(String name) {
        switch (name) {
            case "project-adamw": // decays every parameter it is given, gates included
                return Optimizers.adamW().learningRate(Tracker.fixed(1e-2f)).weightDecay(0.05f).build();
            case "djl-adamw":
                return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).optWeightDecays(0.05f).build();
            default:
                throw new AssertionError(name);
        }
    }

    static SparseTrainer.Builder recipe(long interval) {
        return SparseTrainer.builder()
                .units(GatedNet.declaration())
                .keep(GatedNet.HEADS, 0.5)
                .keep(GatedNet.NEURONS, 0.5)
                .updateEvery(interval)
                .until(1000)
                .decay(Decay.constant())
                .seed(3);
    }

    /** One training batch of blob data, forward + backward + listeners, without the optimizer step. */
    static Batch batch(NDManager m, int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size * Mlp.IN];
        float[] y = new float[size];
        for (int i = 0; i < size; i++) {
            y[i] = r.nextInt(Mlp.CLASSES);
            for (int j = 0; j < Mlp.IN; j++) {
                x[i * Mlp.IN + j] = (float) r.nextGaussian() + (j % Mlp.CLASSES == (int) y[i] ? 1.5f : 0f);
            }
        }
        return new Batch(m, new NDList(m.create(x, new Shape(size, Mlp.IN))), new NDList(m.create(y)), size, null, null, 0, 1);
    }

    static float[] values(Parameter p) {
        return p.getArray().toFloatArray();
    }

    static int ones(float[] gate) {
        int n = 0;
        for (float v : gate) {
            assertTrue(v == 0f || v == 1f, "gate value " + v + " is neither 0 nor 1");
            n += v == 1f ? 1 : 0;
        }
        return n;
    }

    static NDArray probe(NDManager m) {
        return m.randomNormal(0, 1, new Shape(8, Mlp.IN), DataType.FLOAT32);
    }

    static float[] forward(Model model, NDArray x) {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            return model.getBlock().forward(ps, new NDList(x), false).head().toFloatArray();
        }
    }

    static float maxDiff(float[] a, float[] b) {
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    // ------------------------------------------------------------------ builder and budget

    @Test
    void theBuilderRefusesBadValuesAndIncompleteRecipesWithOneClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparseTrainer.builder().keep(GatedNet.HEADS, 0));
        assertEquals("the fraction of heads kept must be in (0, 1], got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().keep(GatedNet.NEURONS, 1.5));
        assertEquals("the fraction of neurons kept must be in (0, 1], got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().unitSparsity(1.0));
        assertEquals("structured sparsity must be in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().scoreWindow(0));
        assertTrue(e.getMessage().contains("score window must be >= 1 batch, got 0"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().keep(GatedNet.HEADS, 0.5).updateEvery(2).until(9).build());
        assertTrue(s.getMessage().startsWith("units not set"), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().units(GatedNet.declaration()).updateEvery(2).until(9).build());
        assertTrue(s.getMessage().startsWith("unit budget not set"), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().units(GatedNet.declaration()).unitSparsity(0.5).keep(GatedNet.HEADS, 0.5)
                        .updateEvery(2).until(9).build());
        assertTrue(s.getMessage().contains("not both"), s.getMessage());
        assertEquals(SparseTrainer.DEFAULT_INTERVAL,
                SparseTrainer.builder().units(GatedNet.declaration()).unitSparsity(0.5).until(9).build().schedule().interval(),
                "without updateEvery the interval is the default");
    }

    @Test
    void aBudgetThatLeavesAGroupWithoutUnitsFailsWhenTheTrainerIsCreated() {
        SparseTrainer recipe = SparseTrainer.builder().units(GatedNet.declaration())
                .keep(GatedNet.HEADS, 0.2).keep(GatedNet.NEURONS, 0.5).updateEvery(2).until(9).build();
        try (Model model = GatedNet.model()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newTrainer(recipe.configure(config(optimizer("djl-adamw")))));
            assertEquals("a fraction of 0.2 of the heads keeps floor(4 × 0.2) = 0 of the 4 units of mix_heads; a group"
                    + " needs at least one active unit, so the fraction must be at least 1/4 = 0.25", e.getMessage());
        }
    }

    @Test
    void criteriaOrFractionsForFamiliesTheModelDoesNotHaveAreOneClearError() {
        SparseTrainer recipe = SparseTrainer.builder().units(GatedNet.declaration())
                .keep(GatedNet.HEADS, 0.5).keep(UnitFamily.of("channels"), 0.5).updateEvery(2).until(9).build();
        try (Model model = GatedNet.model()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newTrainer(recipe.configure(config(optimizer("djl-adamw")))));
            assertEquals("the model has no unit family 'channels'; it declares heads, neurons", e.getMessage());
        }
        SparseTrainer missing = SparseTrainer.builder().units(GatedNet.declaration())
                .keep(GatedNet.HEADS, 0.5).updateEvery(2).until(9).build();
        try (Model model = GatedNet.model()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newTrainer(missing.configure(config(optimizer("djl-adamw")))));
            assertTrue(e.getMessage().startsWith("no kept fraction given for the neurons"), e.getMessage());
        }
        SparseTrainer criterion = recipe(2).prune(UnitFamily.of("channels"), UnitCriterion.taylor()).build();
        try (Model model = GatedNet.model()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newTrainer(criterion.configure(config(optimizer("djl-adamw")))));
            assertTrue(e.getMessage().contains("names the unit family 'channels'"), e.getMessage());
        }
    }

    @Test
    void aDeclarationThatDoesNotFitTheParametersIsOneClearError() {
        StructuredUnits wrong = block -> {
            GatedNet net = (GatedNet) block;
            return List.of(new UnitGroup("mix_heads", GatedNet.HEADS, net.headGate, GatedNet.HEAD_UNITS,
                    List.of(new UnitSlice(GatedNet.weight(net.mix), 0, 3, GatedNet.WIDTH)),
                    List.of(new UnitSlice(GatedNet.weight(net.proj), 1, 1, GatedNet.WIDTH))));
        };
        SparseTrainer recipe = SparseTrainer.builder().units(wrong).unitSparsity(0.5).updateEvery(2).until(9).build();
        try (Model model = GatedNet.model();
                Trainer trainer = model.newTrainer(recipe.configure(config(optimizer("djl-adamw"))))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.initialize(GatedNet.INPUT));
            assertTrue(e.getMessage().contains("has 24 entries along axis 0 but 3 parts × 4 units × width 3 = 36"),
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------ binding

    @Test
    void initialActiveSetsAreInstalledBeforeTheFirstPassSeededAndGatesThawOnlyDuringTraining() {
        List<float[]> first = new ArrayList<>();
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            SparseTrainingConfig config = recipe(5).build().configure(config(optimizer("djl-adamw")));
            try (Trainer trainer = model.newTrainer(config)) {
                assertTrue(net.headGate.requiresGradient(), "unfrozen in the Trainer's constructor");
                assertFalse(config.run().isBound(), "no arrays yet");
                trainer.initialize(GatedNet.INPUT);
                assertTrue(config.run().isBound());
                first.add(values(net.headGate));
                first.add(values(net.neuronGate));
                assertEquals(2, ones(first.get(0)));
                assertEquals(16, ones(first.get(1)));
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    assertFalse(p.getValue().getInitializer() instanceof BindingInitializer, p.getKey());
                }
                assertTrue(net.headGate.getArray().hasGradient());
            }
            assertFalse(net.headGate.requiresGradient(), "frozen again when training ends");
        }
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            try (Trainer trainer = model.newTrainer(recipe(5).build().configure(config(optimizer("djl-adamw"))))) {
                trainer.initialize(GatedNet.INPUT);
                assertArrayEquals(first.get(0), values(net.headGate), "same seed, same heads");
                assertArrayEquals(first.get(1), values(net.neuronGate), "same seed, same neurons");
            }
        }
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            try (Trainer trainer = model.newTrainer(recipe(5).seed(4).build().configure(config(optimizer("djl-adamw"))))) {
                trainer.initialize(GatedNet.INPUT);
                assertFalse(java.util.Arrays.equals(first.get(1), values(net.neuronGate)), "another seed, other neurons");
            }
        }
    }

    @Test
    void gatesThatAreNeitherDenseNorTheBudgetsCountsAreRefused() {
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, GatedNet.INPUT);
            net.neuronGate.getArray().set(new NDIndex("0"), 0.5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.newTrainer(recipe(5).build().configure(config(optimizer("djl-adamw")))));
            assertTrue(e.getMessage().contains("holds values other than 0 and 1"), e.getMessage());
        }
    }

    @Test
    void aModelWhoseGatesAlreadyHoldTheBudgetContinuesFromThem() {
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, GatedNet.INPUT);
            net.headGate.getArray().set(new NDIndex("0:2"), 0f);
            float[] neurons = new float[GatedNet.NEURON_UNITS];
            for (int i = 0; i < 16; i++) {
                neurons[31 - i] = 1f;
            }
            net.neuronGate.getArray().set(new NDIndex(":"), model.getNDManager().create(neurons));
            try (Trainer trainer = model.newTrainer(recipe(5).build().configure(config(optimizer("djl-adamw"))))) {
                trainer.initialize(GatedNet.INPUT);
                assertArrayEquals(new float[] {0, 0, 1, 1}, values(net.headGate));
                assertArrayEquals(neurons, values(net.neuronGate));
            }
        }
    }

    // ------------------------------------------------------------------ training

    @Test
    void theActiveSetsReallyMoveWhileEveryGroupKeepsItsCount() {
        SparseTrainingConfig config = recipe(3).pruneFraction(0.5).build().configure(config(optimizer("djl-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            float[] heads0 = values(net.headGate);
            float[] neurons0 = values(net.neuronGate);
            for (int step = 1; step <= 30; step++) {
                Mlp.step(trainer, model.getNDManager(), 32, step);
                assertEquals(2, ones(values(net.headGate)), "heads at step " + step);
                assertEquals(16, ones(values(net.neuronGate)), "neurons at step " + step);
            }
            assertEquals(30, config.run().step());
            assertEquals(10, config.run().updates());
            UnitReport report = config.run().units();
            for (UnitGroupReport g : report.groups()) {
                assertTrue(g.changed() > 0, g.name() + " never moved: " + report.text());
                assertTrue(g.everActive() > g.active(), g.name() + " explored nothing: " + report.text());
                assertTrue(g.grown() >= g.changed(), report.text());
            }
            assertFalse(java.util.Arrays.equals(heads0, values(net.headGate)) && java.util.Arrays.equals(neurons0,
                    values(net.neuronGate)));
            Map<String, List<Integer>> active = config.run().activeUnits();
            assertEquals(2, active.get("mix_heads").size());
            assertEquals(16, active.get("mlp_neurons").size());
        }
    }

    @Test
    void withoutRegrowingThePrunedEveryUpdateReplacesExactlyRUnits() {
        SparseTrainingConfig config = recipe(3).pruneFraction(0.5).regrowPruned(false).build()
                .configure(config(optimizer("djl-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            for (int step = 1; step <= 12; step++) {
                float[] before = values(net.neuronGate);
                Mlp.step(trainer, model.getNDManager(), 32, step);
                float[] after = values(net.neuronGate);
                if (step % 3 == 0) {
                    assertEquals(8, grown(before, after).size(), "⌈0.5 · 16⌉ new neurons at step " + step);
                    assertEquals(8, grown(after, before).size(), "as many switched off at step " + step);
                }
            }
            for (UnitGroupReport g : config.run().units().groups()) {
                assertEquals(g.name().equals("mix_heads") ? 4 : 32, g.grown(), g.name());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"project-adamw", "djl-adamw"})
    void gatesStayExactlyZeroOrOneAndNoOptimizerEverMovesThem(String name) {
        SparseTrainingConfig config = recipe(4).build().configure(config(optimizer(name)));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            for (int step = 1; step <= 12; step++) {
                try (NDManager m = model.getNDManager().newSubManager(); Batch b = batch(m, 32, step)) {
                    EasyTrain.trainBatch(trainer, b); // an update step rewrites the gates here
                    float[] heads = values(net.headGate);
                    float[] neurons = values(net.neuronGate);
                    try (NDArray g = net.neuronGate.getArray().getGradient()) {
                        assertTrue(g.abs().sum().getFloat() > 0, "the gates receive gradients");
                    }
                    trainer.step();
                    assertArrayEquals(heads, values(net.headGate), name + " moved a head gate at step " + step);
                    assertArrayEquals(neurons, values(net.neuronGate), name + " moved a neuron gate at step " + step);
                    ones(heads);
                    try (NDArray g = net.neuronGate.getArray().getGradient()) {
                        assertEquals(0f, g.abs().sum().getFloat(), "the gate's gradient is zeroed after the step");
                    }
                }
            }
            assertEquals(3, config.run().updates());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"project-adamw", "djl-adamw"})
    void controlAnUnfrozenGateUnderAPlainOptimizerDoesMove(String name) {
        // shows that the assertion above can fail: without the engine's decorator the same optimizer moves gates
        try (Model model = GatedNet.model()) {
            GatedNet net = (GatedNet) model.getBlock();
            net.headGate.freeze(false);
            try (Trainer trainer = model.newTrainer(config(optimizer(name)))) {
                trainer.initialize(GatedNet.INPUT);
                Mlp.step(trainer, model.getNDManager(), 32, 1);
                Mlp.step(trainer, model.getNDManager(), 32, 2);
                float[] heads = values(net.headGate);
                assertTrue(maxDiff(heads, new float[] {1, 1, 1, 1}) > 1e-4, java.util.Arrays.toString(heads));
            }
        }
    }

    @Test
    void aGrownUnitStartsWithZeroOutputWeightsSoTheFunctionDoesNotJump() {
        Engine.getInstance().setRandomSeed(5);
        SparseTrainingConfig config = recipe(6).pruneFraction(0.5).scoreWindow(3).build()
                .configure(config(optimizer("project-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            NDArray x = probe(model.getNDManager());
            int grownHeads = 0;
            int grownNeurons = 0;
            for (int step = 1; step <= 24; step++) {
                try (NDManager m = model.getNDManager().newSubManager(); Batch b = batch(m, 32, step)) {
                    float[] heads = values(net.headGate);
                    float[] neurons = values(net.neuronGate);
                    float[] proj = values(GatedNet.weight(net.proj));
                    float[] fc2 = values(GatedNet.weight(net.fc2));
                    EasyTrain.trainBatch(trainer, b);
                    if (step % 6 != 0) {
                        trainer.step();
                        continue;
                    }
                    // just after the update, before the optimizer step
                    float[] newHeads = values(net.headGate);
                    float[] newNeurons = values(net.neuronGate);
                    float[] newProj = values(GatedNet.weight(net.proj));
                    float[] newFc2 = values(GatedNet.weight(net.fc2));
                    List<Integer> grownH = grown(heads, newHeads);
                    List<Integer> grownN = grown(neurons, newNeurons);
                    grownHeads += grownH.size();
                    grownNeurons += grownN.size();
                    // proj (16, 12): column k·3 + w reads head k; fc2 (4, 32): column j reads neuron j
                    for (int row = 0; row < Mlp.IN; row++) {
                        for (int col = 0; col < GatedNet.HEAD_UNITS * GatedNet.WIDTH; col++) {
                            int i = row * GatedNet.HEAD_UNITS * GatedNet.WIDTH + col;
                            if (grownH.contains(col / GatedNet.WIDTH)) {
                                assertEquals(0f, Math.abs(newProj[i]), "grown head's proj column, step " + step);
                            } else {
                                assertEquals(proj[i], newProj[i], "other proj entries untouched");
                            }
                        }
                    }
                    for (int row = 0; row < Mlp.CLASSES; row++) {
                        for (int col = 0; col < GatedNet.NEURON_UNITS; col++) {
                            int i = row * GatedNet.NEURON_UNITS + col;
                            if (grownN.contains(col)) {
                                assertEquals(0f, Math.abs(newFc2[i]), "grown neuron's fc2 column, step " + step);
                            } else {
                                assertEquals(fc2[i], newFc2[i], "other fc2 entries untouched");
                            }
                        }
                    }
                    // the function right after the update equals the old network with only the kept units on:
                    // switching the grown units on added nothing
                    float[] after = forward(model, x);
                    setGates(net, keptOnly(heads, newHeads), keptOnly(neurons, newNeurons));
                    float[] keptOnly = forward(model, x);
                    assertTrue(maxDiff(after, keptOnly) <= 1e-6, "function jumped by " + maxDiff(after, keptOnly));
                    if (!grownH.isEmpty() || !grownN.isEmpty()) {
                        // sensitivity: with the grown units' old output weights the outputs would differ
                        setGates(net, newHeads, newNeurons);
                        set(GatedNet.weight(net.proj), proj, new Shape(Mlp.IN, 12));
                        set(GatedNet.weight(net.fc2), fc2, new Shape(Mlp.CLASSES, GatedNet.NEURON_UNITS));
                        float[] unzeroed = forward(model, x);
                        assertTrue(maxDiff(unzeroed, after) > 1e-4, "the check would not see un-zeroed outputs");
                        set(GatedNet.weight(net.proj), newProj, new Shape(Mlp.IN, 12));
                        set(GatedNet.weight(net.fc2), newFc2, new Shape(Mlp.CLASSES, GatedNet.NEURON_UNITS));
                    }
                    setGates(net, newHeads, newNeurons);
                    trainer.step();
                }
            }
            assertTrue(grownHeads > 0 && grownNeurons > 0, "units were grown: " + grownHeads + ", " + grownNeurons);
        }
    }

    static List<Integer> grown(float[] before, float[] after) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            if (before[i] == 0f && after[i] == 1f) {
                out.add(i);
            }
        }
        return out;
    }

    static float[] keptOnly(float[] before, float[] after) {
        float[] out = new float[before.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = before[i] * after[i];
        }
        return out;
    }

    static void setGates(GatedNet net, float[] heads, float[] neurons) {
        set(net.headGate, heads, new Shape(heads.length));
        set(net.neuronGate, neurons, new Shape(neurons.length));
    }

    static void set(Parameter p, float[] values, Shape shape) {
        NDArray a = p.getArray();
        try (NDArray v = a.getManager().create(values, shape)) {
            a.set(new NDIndex("..."), v);
        }
    }

    @Test
    void aGatedOffUnitContributesNothingWhateverItsWeights() {
        SparseTrainingConfig config = recipe(100).build().configure(config(optimizer("djl-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            Mlp.step(trainer, model.getNDManager(), 16, 1);
            NDArray x = probe(model.getNDManager());
            float[] before = forward(model, x);
            float[] heads = values(net.headGate);
            int off = 0;
            while (heads[off] == 1f) {
                off++;
            }
            // big input weights and biases (q/k/v-like parts) and output weights for the gated-off head
            NDArray mix = GatedNet.weight(net.mix).getArray();
            NDArray bias = GatedNet.bias(net.mix).getArray();
            NDArray proj = GatedNet.weight(net.proj).getArray();
            for (int part = 0; part < 2; part++) {
                int from = part * 12 + off * 3;
                mix.set(new NDIndex(from + ":" + (from + 3)), 5f);
                bias.set(new NDIndex(from + ":" + (from + 3)), 7f);
            }
            proj.set(new NDIndex(":, " + off * 3 + ":" + (off * 3 + 3)), 3f);
            assertEquals(0f, maxDiff(before, forward(model, x)), "a gated-off head leaks nothing, bias included");
            heads[off] = 1f;
            set(net.headGate, heads, new Shape(4));
            assertTrue(maxDiff(before, forward(model, x)) > 1e-2, "the same head switched on does contribute");
            heads[off] = 0f;
            set(net.headGate, heads, new Shape(4));
        }
    }

    @Test
    void theTaylorWindowAveragesTheLastBatchesAndTheNeuronNormIsW1RowPlusW2Column() {
        SparseTrainingConfig config = recipe(10).scoreWindow(3).build().configure(config(optimizer("djl-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            float[] sum = new float[GatedNet.NEURON_UNITS];
            for (int step = 1; step <= 9; step++) {
                try (NDManager m = model.getNDManager().newSubManager(); Batch b = batch(m, 32, step)) {
                    EasyTrain.trainBatch(trainer, b);
                    if (step >= 8) { // steps 8, 9 and 10 feed the update at step 10
                        try (NDArray g = net.neuronGate.getArray().getGradient()) {
                            float[] v = g.toFloatArray();
                            for (int i = 0; i < v.length; i++) {
                                sum[i] += Math.abs(v[i]);
                            }
                        }
                    }
                    trainer.step();
                }
                assertEquals(step >= 8 ? step - 7 : 0, PolicyProbe.windowBatches(config.run(), "mlp_neurons"), "after step " + step);
            }
            try (NDManager scope = model.getNDManager().newSubManager()) {
                UnitEvidence evidence =
                        PolicyProbe.evidence(config.run(), "mlp_neurons", scope, model.getNDManager().getDevice());
                float[] taylor = evidence.taylor().toFloatArray();
                for (int i = 0; i < taylor.length; i++) {
                    assertEquals(sum[i] / 2, taylor[i], 1e-6f + 1e-5f * sum[i]);
                }
                float[] l1 = evidence.weightL1().toFloatArray();
                float[] w1 = values(GatedNet.weight(net.fc1)); // (32, 16)
                float[] w2 = values(GatedNet.weight(net.fc2)); // (4, 32)
                for (int j = 0; j < GatedNet.NEURON_UNITS; j++) {
                    double expected = 0;
                    for (int k = 0; k < Mlp.IN; k++) {
                        expected += Math.abs(w1[j * Mlp.IN + k]);
                    }
                    for (int c = 0; c < Mlp.CLASSES; c++) {
                        expected += Math.abs(w2[c * GatedNet.NEURON_UNITS + j]);
                    }
                    assertEquals(expected, l1[j], 1e-5, "neuron " + j + " (biases are not part of the norm)");
                }
            }
            try (NDManager m = model.getNDManager().newSubManager(); Batch b = batch(m, 32, 10)) {
                EasyTrain.trainBatch(trainer, b);
                trainer.step();
            }
            assertEquals(1, config.run().updates());
            assertEquals(0, PolicyProbe.windowBatches(config.run(), "mlp_neurons"), "a new window starts after the update");
        }
    }

    @Test
    void noArraysLeakIntoTheModelManagerAcrossStepsAndUpdates() {
        SparseTrainingConfig config = recipe(2).scoreWindow(3).build().configure(config(optimizer("project-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(GatedNet.INPUT);
            int[] counts = new int[12];
            for (int step = 0; step < counts.length; step++) {
                Mlp.step(trainer, model.getNDManager(), 16, step);
                counts[step] = model.getNDManager().getManagedArrays().size();
                if (step % 4 == 3) {
                    config.run().units();
                    config.run().activeUnits();
                }
            }
            assertTrue(config.run().updates() >= 5);
            for (int step = 2; step < counts.length; step++) {
                assertEquals(counts[1], counts[step], "model manager after step " + (step + 1) + ": "
                        + java.util.Arrays.toString(counts));
            }
        }
    }

    @Test
    void theWholeRunIsReproducibleForASeed() {
        assertEquals(gatesAfterTraining(), gatesAfterTraining());
    }

    private static String gatesAfterTraining() {
        Engine.getInstance().setRandomSeed(9);
        SparseTrainingConfig config = recipe(2).build().configure(config(optimizer("djl-adamw")));
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(GatedNet.INPUT);
            for (int step = 1; step <= 8; step++) {
                Mlp.step(trainer, model.getNDManager(), 16, step);
            }
            return config.run().activeUnits().toString();
        }
    }

    // ------------------------------------------------------------------ with unstructured SViTE

    @Test
    void withSviteBothEnginesKeepTheirInvariants() {
        SparseTrainingConfig config =
                recipe(2).uniform(0.5).seed(1).unitSeed(3).build().configure(config(optimizer("project-adamw")));
        SparseRun sparseRun = config.run();
        try (Model model = GatedNet.model(); Trainer trainer = model.newTrainer(config)) {
            GatedNet net = (GatedNet) model.getBlock();
            trainer.initialize(GatedNet.INPUT);
            SparsityReport start = sparseRun.report();
            assertEquals(4, start.layers().size(), "mix, proj, fc1, fc2 weights; the gates are not SViTE's");
            for (int step = 1; step <= 12; step++) {
                Mlp.step(trainer, model.getNDManager(), 32, step);
                assertEquals(2, ones(values(net.headGate)), "step " + step);
                assertEquals(16, ones(values(net.neuronGate)), "step " + step);
                SparsityReport now = sparseRun.report();
                for (int i = 0; i < start.layers().size(); i++) {
                    assertEquals(start.layers().get(i).nonZeros(), now.layers().get(i).nonZeros(), "step " + step);
                }
                for (Pair<NDArray, NDArray> wm : SparseTrainerTest.masked(model, sparseRun).values()) {
                    assertEquals(0f, Fixtures.largestMasked(wm.getKey(), wm.getValue()), "step " + step);
                }
            }
            assertEquals(6, sparseRun.updates());
            assertEquals(6, config.run().updates());
            assertTrue(config.run().units().changed() > 0);
        }
    }

    @Test
    void aConfigurationIsMadeSparseByOneRecipeOnly() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(2).until(1000).build();
        SparseTrainer structured = recipe(2).build();
        SparseTrainer both = recipe(2).uniform(0.5).build();
        assertEquals(2, both.configure(config(optimizer("djl-adamw"))).run().policies().size(),
                "masks and units are one recipe, one engine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sparse.configure(structured.configure(config(optimizer("djl-adamw")))));
        assertTrue(e.getMessage().contains("already sparse"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> structured.configure(sparse.configure(config(optimizer("djl-adamw")))));
        assertTrue(e.getMessage().contains("already sparse"), e.getMessage());
    }
}
