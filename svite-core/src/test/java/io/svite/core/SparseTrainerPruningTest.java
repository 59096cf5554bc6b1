package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.criteria.PruneCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.engine.MaskSet;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.policy.PolicyProbe;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningEvent;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

class SparseTrainerPruningTest {

    static final Shape INPUT = Fixtures.INPUT;
    static final List<String> MLP_WEIGHTS = List.of("01Linear_weight", "03Linear_weight", "05Linear_weight");

    static DefaultTrainingConfig dense() {
        return Fixtures.dense(Fixtures.adamW());
    }

    static Parameter parameter(Block block, String displayName) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(displayName)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no parameter " + displayName);
    }

    /** Host copies of every selected tensor's mask (true = kept). */
    static Map<String, boolean[]> masks(SparseTrainingConfig config, Model model, List<String> names) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        for (String name : names) {
            NDArray mask = Fixtures.maskOf(config.run(), name);
            float[] v = mask.toFloatArray();
            boolean[] b = new boolean[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = v[i] != 0;
            }
            out.put(name, b);
        }
        return out;
    }

    static void assertPrunedWeightsAreZero(Model model, Map<String, boolean[]> masks) {
        for (Map.Entry<String, boolean[]> e : masks.entrySet()) {
            float[] w = parameter(model.getBlock(), e.getKey()).getArray().toFloatArray();
            for (int i = 0; i < w.length; i++) {
                if (!e.getValue()[i]) {
                    assertEquals(0f, w[i], 0f, e.getKey() + "[" + i + "] is pruned but not 0");
                }
            }
        }
    }

    static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    static int managed(Model model) {
        return model.getNDManager().getManagedArrays().size();
    }

    // ------------------------------------------------------------------ OMP: global, one shot, fixed

    @Test
    void oneShotPruningUsesOneGlobalThresholdAndFineTuningKeepsTheMaskFixed() {
        try (Model model = Mlp.model()) {
            Block block = model.getBlock();
            block.initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
            // the first layer's weights are 10x larger than the others'
            parameter(block, "01Linear_weight").getArray().muli(10);
            Map<String, float[]> trained = new LinkedHashMap<>();
            for (String name : MLP_WEIGHTS) {
                trained.put(name, parameter(block, name).getArray().toFloatArray());
            }
            SparseTrainingConfig config =
                    SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).build().configure(dense());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                // pruned when the trainer was created, before any forward pass
                SparsityReport r = config.run().report();
                assertEquals(1, r.updates());
                assertEquals(0, r.step());
                assertEquals(16 * 64 + 64 * 32 + 32 * 4, r.size());
                assertEquals(r.size() / 2, r.nonZeros(), "exactly half of all selected weights are kept");
                Map<String, Double> d = r.densities();
                assertTrue(d.get("01Linear") > 0.9, "the large layer keeps almost everything: " + d);
                assertTrue(d.get("03Linear") < 0.5, "the small layers pay for it: " + d);

                // one threshold: every pruned |w| is at most every kept |w|, across all layers
                Map<String, boolean[]> before = masks(config, model, MLP_WEIGHTS);
                float largestPruned = 0;
                float smallestKept = Float.MAX_VALUE;
                for (int l = 0; l < MLP_WEIGHTS.size(); l++) {
                    String name = MLP_WEIGHTS.get(l);
                    float[] w = trained.get(name);
                    boolean[] m = before.get(name);
                    for (int i = 0; i < w.length; i++) {
                        if (m[i]) {
                            smallestKept = Math.min(smallestKept, Math.abs(w[i]));
                        } else {
                            largestPruned = Math.max(largestPruned, Math.abs(w[i]));
                        }
                    }
                    assertEquals(r.layers().get(l).nonZeros(), count(m), name);
                }
                assertTrue(largestPruned <= smallestKept, largestPruned + " > " + smallestKept);
                assertPrunedWeightsAreZero(model, before);

                // fine-tuning: the mask never moves and pruned weights stay exactly 0
                Mlp.step(trainer, model.getNDManager(), 32, 1);
                int arrays = managed(model);
                for (int step = 2; step <= 25; step++) {
                    Mlp.step(trainer, model.getNDManager(), 32, step);
                    Map<String, boolean[]> now = masks(config, model, MLP_WEIGHTS);
                    for (String name : MLP_WEIGHTS) {
                        assertArrayEquals(before.get(name), now.get(name), name + " changed at step " + step);
                    }
                    assertPrunedWeightsAreZero(model, now);
                    assertEquals(arrays, managed(model), "arrays leaked at step " + step);
                }
                assertEquals(25, config.run().step());
                assertEquals(1, config.run().updates());
                assertEquals(r.nonZeros(), config.run().report().nonZeros());
            }
        }
    }

    @Test
    void perLayerUniformPrunesEveryLayerToTheSameDensityOnTheSameWeights() {
        try (Model model = Mlp.model()) {
            Block block = model.getBlock();
            block.initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
            parameter(block, "01Linear_weight").getArray().muli(10);
            SparseTrainingConfig config =
                    SparseTrainer.builder()
                            .pruning(PruningSchedule.oneShot(0.5))
                            .pruningScope(PruningScope.uniform())
                            .build()
                            .configure(dense());
            try (Trainer trainer = model.newTrainer(config)) {
                SparsityReport r = config.run().report();
                for (LayerSparsity l : r.layers()) {
                    assertEquals(l.size() / 2, l.nonZeros(), l.parameter());
                }
            }
        }
    }

    // ------------------------------------------------------------------ GMP: cubic, only shrinking

    @Test
    void gradualPruningFollowsTheCubicScheduleAndAPrunedEntryNeverComesBack() {
        PruningSchedule schedule = PruningSchedule.cubic().sparsity(0.6).from(4).until(24).events(5).build();
        assertEquals(List.of(8L, 12L, 16L, 20L, 24L), schedule.events().stream().map(PruningEvent::step).toList());
        SparseTrainingConfig config =
                SparseTrainer.builder().pruning(schedule).pruningScope(PruningScope.uniform()).build().configure(dense());
        try (Model model = Mlp.model();
                Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(INPUT);
            Map<Long, Map<String, boolean[]>> atEvents = new LinkedHashMap<>();
            int arrays = -1;
            for (long t = 1; t <= 30; t++) {
                Mlp.step(trainer, model.getNDManager(), 16, t);
                SparsityReport r = config.run().report();
                double target = schedule.sparsityAt(t);
                for (LayerSparsity l : r.layers()) {
                    long expected = Math.max(1, Math.round((1 - target) * l.size()));
                    assertEquals(expected, l.nonZeros(), l.parameter() + " at step " + t);
                }
                assertEquals(target, r.sparsity(), 2.0 / r.size(), "step " + t);
                if (t < 8) {
                    assertEquals(0, r.updates());
                    assertEquals(1.0, r.densities().get("01Linear"));
                    continue;
                }
                Map<String, boolean[]> now = masks(config, model, MLP_WEIGHTS);
                assertPrunedWeightsAreZero(model, now);
                if (schedule.events().stream().anyMatch(e -> e.step() == r.step())) {
                    for (Map<String, boolean[]> earlier : atEvents.values()) {
                        for (String name : MLP_WEIGHTS) {
                            boolean[] a = earlier.get(name);
                            boolean[] b = now.get(name);
                            for (int i = 0; i < a.length; i++) {
                                assertFalse(!a[i] && b[i], name + "[" + i + "] came back at step " + t);
                            }
                        }
                    }
                    atEvents.put(t, now);
                }
                // masks exist from the first event on and are replaced, not added to
                if (arrays < 0) {
                    arrays = managed(model);
                }
                assertEquals(arrays, managed(model), "arrays leaked at step " + t);
            }
            assertEquals(5, atEvents.size());
            assertEquals(5, config.run().updates());
            assertEquals(0.6, config.run().report().sparsity(), 1e-3);
        }
    }

    @Test
    void masksOnlyShrinkEvenWhenTheCriterionWouldRankPrunedEntriesHigh() {
        // random scores rank a pruned entry above kept ones about half the time: only the engine's
        // "already pruned = -inf" rule keeps it out
        PruningSchedule schedule = PruningSchedule.cubic().sparsity(0.9).from(0).until(6).events(6).build();
        SparseTrainingConfig config =
                SparseTrainer.builder().pruning(schedule).prune(PruneCriterion.random()).build().configure(dense());
        try (Model model = Mlp.model();
                Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(INPUT);
            Map<String, boolean[]> previous = null;
            for (long t = 1; t <= 6; t++) {
                Mlp.step(trainer, model.getNDManager(), 16, t);
                Map<String, boolean[]> now = masks(config, model, MLP_WEIGHTS);
                assertEquals(Math.round((1 - schedule.sparsityAt(t)) * 3200), config.run().report().nonZeros());
                if (previous != null) {
                    for (String name : MLP_WEIGHTS) {
                        for (int i = 0; i < now.get(name).length; i++) {
                            assertFalse(!previous.get(name)[i] && now.get(name)[i], name + "[" + i + "] came back");
                        }
                    }
                }
                previous = now;
            }
        }
    }

    // ------------------------------------------------------------------ Taylor: |w·g|, summed

    /** A 16 → 4 linear classifier whose first 8 inputs are always 0 in the data below. */
    static Model deadInputs(float bigWeight) {
        Model model = Model.newInstance("dead-inputs");
        model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()));
        model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
        NDArray w = model.getBlock().getParameters().get(0).getValue().getArray();
        // large weights on the dead inputs, small ones on the live inputs
        w.set(new NDIndex(":, 0:8"), bigWeight);
        w.set(new NDIndex(":, 8:16"), w.get(new NDIndex(":, 8:16")).mul(0.1f));
        return model;
    }

    /** One batch whose inputs 0..7 are exactly 0: the gradient of those weight columns is exactly 0. */
    static void deadInputStep(Trainer trainer, NDManager parent, long seed) {
        try (NDManager m = parent.newSubManager()) {
            Random r = new Random(seed);
            float[] x = new float[16 * Mlp.IN];
            float[] y = new float[16];
            for (int i = 0; i < 16; i++) {
                y[i] = r.nextInt(Mlp.CLASSES);
                for (int j = 8; j < Mlp.IN; j++) {
                    x[i * Mlp.IN + j] = (float) r.nextGaussian();
                }
            }
            Batch b = new Batch(m, new NDList(m.create(x, new Shape(16, Mlp.IN))), new NDList(m.create(y)), 16, null,
                    null, 0, 1);
            EasyTrain.trainBatch(trainer, b);
            trainer.step();
        }
    }

    /** Which columns of the 4 × 16 weight survive pruning half of it at step 2 with a criterion. */
    static boolean[] survivingColumns(PruneCriterion criterion) {
        try (Model model = deadInputs(3f)) {
            SparseTrainingConfig config =
                    SparseTrainer.builder().pruning(PruningSchedule.at(2, 0.5)).prune(criterion).build()
                            .configure(dense());
            try (Trainer trainer = model.newTrainer(config)) {
                deadInputStep(trainer, model.getNDManager(), 1);
                deadInputStep(trainer, model.getNDManager(), 2);
                assertEquals(32, config.run().report().nonZeros());
                float[] mask = Fixtures.maskOf(config.run(), "Linear_weight").toFloatArray();
                boolean[] columns = new boolean[16];
                for (int j = 0; j < 16; j++) {
                    boolean all = true;
                    boolean none = true;
                    for (int i = 0; i < 4; i++) {
                        all &= mask[i * 16 + j] == 1f;
                        none &= mask[i * 16 + j] == 0f;
                    }
                    assertTrue(all || none, "column " + j + " is split");
                    columns[j] = all;
                }
                return columns;
            }
        }
    }

    @Test
    void taylorPruningRanksByWeightTimesGradientWhereMagnitudeRanksByWeight() {
        // the largest weights sit on inputs that are always 0: |w| ranks them first, |w·g| = 0 last
        boolean[] taylor = survivingColumns(PruneCriterion.taylor());
        boolean[] magnitude = survivingColumns(PruneCriterion.magnitude());
        for (int j = 0; j < 16; j++) {
            assertEquals(j >= 8, taylor[j], "Taylor keeps exactly the live inputs, column " + j);
            assertEquals(j < 8, magnitude[j], "magnitude keeps exactly the large weights, column " + j);
        }
    }

    /** Sums |w·g| of one tensor on the host in onTrainingBatch, before the engine's listener. */
    static final class HostTaylor extends TrainingListenerAdapter {
        final Parameter parameter;
        float[] sum;
        long from;
        long batch;

        HostTaylor(Parameter parameter, long from) {
            this.parameter = parameter;
            this.from = from;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            batch++;
            NDArray w = parameter.getArray();
            float[] wv = w.toFloatArray();
            float[] gv;
            try (NDArray g = w.getGradient()) {
                gv = g.toFloatArray();
            }
            if (sum == null) {
                sum = new float[wv.length];
            }
            if (batch >= from) {
                for (int i = 0; i < wv.length; i++) {
                    sum[i] += Math.abs(wv[i] * gv[i]);
                }
            }
        }
    }

    @Test
    void taylorScoresAreSummedOnTheDeviceOverTheWindowBeforeTheEvent() {
        for (long window : new long[] {0, 2}) {
            try (Model model = Mlp.model()) {
                model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
                Parameter first = parameter(model.getBlock(), "01Linear_weight");
                // window 0: batches 1..5 count; window 2 before an event at step 6: batches 5 and 6
                HostTaylor host = new HostTaylor(first, window == 0 ? 1 : 5);
                DefaultTrainingConfig base = dense().addTrainingListeners(host);
                SparseTrainingConfig config =
                        SparseTrainer.builder()
                                .pruning(PruningSchedule.at(6, 0.5))
                                .prune(PruneCriterion.taylor())
                                .pruningScoreWindow(window)
                                .build()
                                .configure(base);
                try (Trainer trainer = model.newTrainer(config)) {
                    for (long t = 1; t <= 5; t++) {
                        Mlp.step(trainer, model.getNDManager(), 16, t);
                    }
                    NDArray device = PolicyProbe.scoresOf(config.run(), "01Linear_weight");
                    assertArrayEquals(host.sum, device.toFloatArray(), 1e-4f, "window " + window);
                    assertEquals(0, config.run().updates());
                    Mlp.step(trainer, model.getNDManager(), 16, 6);
                    assertEquals(1, config.run().updates());
                    assertEquals(0.5, config.run().report().sparsity(), 1e-3);
                }
            }
        }
    }

    @Test
    void gradualTaylorPruningLeaksNoArraysAcrossEventsAndFreesItsScoresAfterTheLast() {
        PruningSchedule schedule = PruningSchedule.cubic().sparsity(0.8).from(2).until(14).events(6).build();
        SparseTrainingConfig config =
                SparseTrainer.builder().pruning(schedule).prune(PruneCriterion.taylor()).build().configure(dense());
        try (Model model = Mlp.model();
                Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(INPUT);
            List<Integer> afterEvents = new java.util.ArrayList<>();
            for (long t = 1; t <= 18; t++) {
                Mlp.step(trainer, model.getNDManager(), 16, t);
                final long step = t;
                if (schedule.events().stream().anyMatch(e -> e.step() == step)) {
                    afterEvents.add(managed(model));
                    assertEquals(schedule.sparsityAt(t), config.run().report().sparsity(), 1.0 / 3200);
                }
            }
            assertEquals(6, afterEvents.size());
            for (int i = 1; i < 5; i++) {
                assertEquals(afterEvents.get(0), afterEvents.get(i), "arrays after event " + (i + 1) + ": " + afterEvents);
            }
            assertEquals(afterEvents.get(0) - MLP_WEIGHTS.size(), (int) afterEvents.get(5),
                    "the summed scores (one per tensor) are freed after the last event");
            assertEquals(null, PolicyProbe.scoresOf(config.run(), "01Linear_weight"));
        }
    }

    // ------------------------------------------------------------------ hand-over between phases

    @Test
    void masksOfOnePhaseStartTheNextAndStayFixedWithNoSchedule() {
        try (Model model = Mlp.model()) {
            SparseTrainingConfig first =
                    SparseTrainer.builder()
                            .pruning(PruningSchedule.at(4, 0.7))
                            .prune(PruneCriterion.taylor())
                            .build()
                            .configure(dense());
            Map<String, boolean[]> pruned;
            try (Trainer trainer = model.newTrainer(first)) {
                trainer.initialize(INPUT);
                for (long t = 1; t <= 4; t++) {
                    Mlp.step(trainer, model.getNDManager(), 16, t);
                }
                pruned = masks(first, model, MLP_WEIGHTS);
            }
            assertEquals(0.7, first.run().report().sparsity(), 1e-3, "the report outlives the trainer");
            try (MaskSet masks = first.run().masks()) {
                int before = managed(model);
                first.run().release();
                assertTrue(managed(model) < before, "releasing frees the first phase's masks");
                assertEquals(0.7, first.run().report().sparsity(), 1e-3, "the report outlives the release");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.run().masks());
                assertTrue(e.getMessage().contains("released"), e.getMessage());
                assertEquals(0.7, masks.sparsity(), 1e-3, "the hand-over survives the release");
                assertEquals(MLP_WEIGHTS, List.copyOf(masks.names()));
                SparseTrainingConfig second =
                        SparseTrainer.builder().pruning(PruningSchedule.none()).startFrom(masks).build()
                                .configure(dense());
                try (Trainer trainer = model.newTrainer(second)) {
                    trainer.initialize(INPUT);
                    SparsityReport r = second.run().report();
                    assertEquals(first.run().report().nonZeros(), r.nonZeros());
                    assertEquals(0, r.updates());
                    for (LayerSparsity l : r.layers()) {
                        assertEquals(l.nonZeros(), l.everActive(), "ever active = the masks it started from");
                    }
                    for (long t = 1; t <= 10; t++) {
                        Mlp.step(trainer, model.getNDManager(), 16, t);
                        Map<String, boolean[]> now = masks(second, model, MLP_WEIGHTS);
                        for (String name : MLP_WEIGHTS) {
                            assertArrayEquals(pruned.get(name), now.get(name), name);
                        }
                        assertPrunedWeightsAreZero(model, now);
                    }
                }
            }
        }
    }

    @Test
    void masksForOtherTensorsAreRefusedWithTheTensorNamed() {
        SparseTrainer shape;
        SparseTrainer names;
        try (Model narrower = Model.newInstance("narrower");
                Model single = Model.newInstance("single")) {
            narrower.setBlock(new SequentialBlock()
                    .add(Linear.builder().setUnits(48).build())
                    .add(ai.djl.nn.Activation.reluBlock())
                    .add(Linear.builder().setUnits(32).build())
                    .add(ai.djl.nn.Activation.reluBlock())
                    .add(Linear.builder().setUnits(Mlp.CLASSES).build()));
            single.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()));
            for (Model m : List.of(narrower, single)) {
                m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, INPUT);
            }
            SparseTrainingConfig a = SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).build().configure(dense());
            SparseTrainingConfig b = SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).build().configure(dense());
            try (Trainer ta = narrower.newTrainer(a);
                    Trainer tb = single.newTrainer(b);
                    MaskSet wrongShape = a.run().masks();
                    MaskSet wrongNames = b.run().masks();
                    Model model = Mlp.model()) {
                model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
                shape = SparseTrainer.builder().pruning(PruningSchedule.none()).startFrom(wrongShape).build();
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> model.newTrainer(shape.configure(dense())));
                assertTrue(e.getMessage().contains("01Linear_weight has shape (48, 16), the weight (64, 16)"),
                        e.getMessage());
                names = SparseTrainer.builder().pruning(PruningSchedule.none()).startFrom(wrongNames).build();
                e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(names.configure(dense())));
                assertTrue(e.getMessage().contains("have none for 01Linear_weight; they cover [Linear_weight]"),
                        e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ validation

    @Test
    void badRecipesGetClearMessages() {
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> SparseTrainer.builder().build());
        assertTrue(s.getMessage().startsWith("nothing to make sparse") && s.getMessage().contains("pruning(...)"),
                s.getMessage());
        s = assertThrows(
                IllegalStateException.class,
                () -> SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).prune(PruneCriterion.taylor())
                        .build());
        assertTrue(s.getMessage().contains("taylor criterion reads gradients"), s.getMessage());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().pruningScoreWindow(-1));
        assertTrue(e.getMessage().contains("score window must be >= 0"), e.getMessage());

        // step 0 needs weights: a fresh model is refused when the trainer is created
        SparseTrainer omp = SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).build();
        try (Model model = Mlp.model()) {
            s = assertThrows(IllegalStateException.class, () -> model.newTrainer(omp.configure(dense())));
            assertTrue(s.getMessage().contains("pruning at step 0 needs the model's weights"), s.getMessage());
        }
        // one configuration, one run; and not on top of another sparse configuration
        SparseTrainingConfig config = omp.configure(dense());
        e = assertThrows(IllegalArgumentException.class, () -> omp.configure(config));
        assertTrue(e.getMessage().contains("already sparse"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SparseTrainer.builder().uniform(0.5).updateEvery(5).until(10).build().configure(config));
        assertTrue(e.getMessage().contains("already sparse"), e.getMessage());
    }

    @Test
    void theProjectsOptimizerIsToldWhichEntriesWerePruned() {
        // with the project's AdamW (moments reset on mask changes) pruning still leaves exact zeros
        try (Model model = Mlp.model()) {
            DefaultTrainingConfig base =
                    new DefaultTrainingConfig(ai.djl.training.loss.Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(Optimizers.adamW().learningRate(ai.djl.training.tracker.Tracker.fixed(1e-2f))
                                    .build());
            SparseTrainingConfig config =
                    SparseTrainer.builder()
                            .pruning(PruningSchedule.cubic().sparsity(0.8).from(1).until(9).events(4).build())
                            .build()
                            .configure(base);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                for (long t = 1; t <= 12; t++) {
                    Mlp.step(trainer, model.getNDManager(), 16, t);
                    if (t >= 3) {
                        assertPrunedWeightsAreZero(model, masks(config, model, MLP_WEIGHTS));
                    }
                }
                assertEquals(0.8, config.run().report().sparsity(), 1e-3);
            }
        }
    }
}
