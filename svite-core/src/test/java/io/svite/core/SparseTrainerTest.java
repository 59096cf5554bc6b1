package io.svite.core;

import static io.svite.core.testing.Fixtures.INPUT;
import static io.svite.core.testing.Fixtures.adamW;
import static io.svite.core.testing.Fixtures.dense;
import static io.svite.core.testing.Fixtures.largestMasked;
import static io.svite.core.testing.Fixtures.nonZeros;
import static io.svite.core.testing.Fixtures.optimizer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.criteria.GrowCriterion;
import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.schedule.UpdateSchedule;
import io.svite.core.select.ParameterSelector;
import io.svite.core.testing.Mlp;
import io.svite.core.training.BindingInitializer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class SparseTrainerTest {

    /** The weight arrays of every masked parameter, with their masks, by parameter id. */
    public static Map<String, Pair<NDArray, NDArray>> masked(Model model, SparseRun run) {
        Map<String, Pair<NDArray, NDArray>> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            NDArray mask = run.mask(p.getValue());
            if (mask != null) {
                out.put(p.getValue().getId(), new Pair<>(p.getValue().getArray(), mask));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ builder

    @Test
    void theBuilderRefusesBadValuesAndIncompleteRecipesWithClearMessages() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().erdosRenyi(1.0));
        assertTrue(e.getMessage().contains("sparsity must be in [0, 1), got 1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().uniform(-0.2));
        e = assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().updateEvery(0));
        assertTrue(e.getMessage().contains("interval must be >= 1 step, got 0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SparseTrainer.builder().uniform(0.5).updateEvery(10).from(100).until(50).build());
        assertTrue(e.getMessage().contains("end step 50 must be after the start step 100"), e.getMessage());
        IllegalStateException s =
                assertThrows(IllegalStateException.class, () -> SparseTrainer.builder().updateEvery(10).until(50).build());
        assertTrue(s.getMessage().startsWith("nothing to make sparse: call erdosRenyi(s)"), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().erdosRenyi(0.5).pruning(PruningSchedule.oneShot(0.5)).build());
        assertTrue(s.getMessage().contains("would both mask the weights"), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).grow(GrowCriterion.random()).build());
        assertTrue(s.getMessage().startsWith("grow(criterion) scores the weights SViTE grows back"), s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> SparseTrainer.builder().uniform(0.5).pruningScope(PruningScope.uniform()).build());
        assertTrue(s.getMessage().contains("pruningScope(...) belong(s) to a pruning schedule; call pruning(...)"),
                s.getMessage());
        s = assertThrows(IllegalStateException.class, () -> SparseTrainer.builder().uniform(0.5).scoreWindow(3).build());
        assertTrue(s.getMessage().startsWith("units not set: call units(...)") && s.getMessage().contains("scoreWindow"),
                s.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparseTrainer.builder().uniform(0.5).build().configure(dense(adamW()), 0));
        assertTrue(e.getMessage().contains("total steps must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparseTrainer.builder().uniform(0.5).until(500).build().configure(dense(adamW()), 400));
        assertTrue(e.getMessage().contains("end step 500 is after the last step 400"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparseTrainer.builder().prune(null));
    }

    @Test
    void theDesignCardLineBuildsWithDocumentedDefaults() {
        SparseTrainer sparse = SparseTrainer.builder().erdosRenyi(0.5).build();
        assertEquals(SparsityDistribution.erdosRenyi(0.5).toString(), sparse.weights().distribution().toString());
        UpdateSchedule open = sparse.schedule();
        assertEquals(100, open.interval(), "RigL's interval");
        assertTrue(open.isUpdateStep(100) && open.isUpdateStep(1_000_000) && !open.isUpdateStep(150));
        assertEquals(0.5, open.pruneFraction(100), 0);
        assertEquals(0.5, open.pruneFraction(1_000_000), 0, "no length: α is not annealed towards an unknown end");
        UpdateSchedule known = sparse.schedule(10_000);
        assertEquals(100, known.interval());
        assertEquals(8_000, known.end(), "updates end at 80 % of a run of known length");
        assertEquals(0.5, known.pruneFraction(0), 1e-12);
        assertEquals(0.25, known.pruneFraction(4_000), 1e-12, "the paper's cosine");
        assertFalse(known.isUpdateStep(8_000));
        assertEquals(8_000, SparseTrainer.builder().erdosRenyi(0.5).totalSteps(10_000).build().schedule().end());
    }

    @Test
    void theDesignCardLineTrainsUnderEasyTrainFitWithTheRunsLengthFromConfigure() throws Exception {
        Engine.getInstance().setRandomSeed(2);
        int batch = 16;
        int epochs = 5;
        try (NDManager data = NDManager.newBaseManager(); Model model = Mlp.model()) {
            ArrayDataset train = Mlp.blobs(data, 1024, batch, 1);
            ArrayDataset test = Mlp.blobs(data, 256, batch, 2);
            long steps = (long) epochs * (1024 / batch); // 320
            SparseTrainingConfig config = SparseTrainer.builder().erdosRenyi(0.5).build().configure(dense(adamW()), steps);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                EasyTrain.fit(trainer, epochs, train, test);
                assertEquals(steps, config.run().step());
                assertEquals(2, config.run().updates(), "updates at steps 100 and 200, none from 0.8 · 320 = 256 on");
                assertEquals(0.5, config.run().report().sparsity(), 2e-3);
                for (Pair<NDArray, NDArray> wm : masked(model, config.run()).values()) {
                    assertEquals(0f, largestMasked(wm.getKey(), wm.getValue()));
                }
            }
        }
    }

    @Test
    void theRecipeIsImmutableAndEveryConfigureStartsAFreshRun() {
        SparseTrainer sparse =
                SparseTrainer.builder().erdosRenyi(0.5).updateEvery(15_000).until(1_200_000).pruneFraction(0.5)
                        .cosineDecay().seed(7).build();
        assertEquals(15_000, sparse.schedule().interval());
        assertEquals(1_200_000, sparse.schedule().end());
        SparseTrainingConfig a = sparse.configure(dense(adamW()));
        SparseTrainingConfig b = sparse.configure(dense(adamW()));
        assertFalse(a.run() == b.run() || a.getOptimizer() == b.getOptimizer());
        assertFalse(a.run().isBound());
        assertThrows(IllegalStateException.class, () -> a.run().report());
    }

    // ------------------------------------------------------------------ binding

    @Test
    void anUnknownLayerFailsWhenTheTrainerIsCreated() {
        SparseTrainer sparse =
                SparseTrainer.builder().uniform(0.5).updateEvery(5).until(50)
                        .select(ParameterSelector.weights().only("01Linear", "07Linear")).build();
        try (Model model = Mlp.model()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> model.newTrainer(sparse.configure(dense(adamW()))));
            assertTrue(e.getMessage().contains("unknown layer '07Linear'"), e.getMessage());
            assertTrue(e.getMessage().contains("01Linear") && e.getMessage().contains("05Linear"), e.getMessage());
        }
    }

    @Test
    void aModelWithNoSelectableWeightsIsAClearError() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(5).until(50).build();
        try (Model model = Model.newInstance("norm-only")) {
            model.setBlock(new SequentialBlock().add(LayerNorm.builder().build()));
            try (Trainer trainer = model.newTrainer(sparse.configure(dense(adamW())))) {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> trainer.initialize(INPUT));
                assertTrue(e.getMessage().contains("nothing to make sparse"), e.getMessage());
            }
        }
    }

    @Test
    void aFreshBlockIsAlreadySparseAfterTrainerInitialize() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.75).updateEvery(5).until(50).seed(3).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                assertFalse(config.run().isBound(), "DJL calls onTrainingBegin before the arrays exist");
                trainer.initialize(INPUT);
                assertTrue(config.run().isBound());
                SparsityReport plan = sparse.plan(model.getBlock());
                List<Long> expected = plan.layers().stream().map(LayerSparsity::nonZeros).toList();
                List<Long> actual = new ArrayList<>();
                for (Pair<NDArray, NDArray> wm : masked(model, config.run()).values()) {
                    actual.add(nonZeros(wm.getKey()));
                    assertEquals(0f, largestMasked(wm.getKey(), wm.getValue()));
                }
                assertEquals(expected, actual, "weights carry exactly the planned non-zeros before the first forward pass");
                assertEquals(List.of(256L, 512L, 32L), expected); // 0.25 · (1024, 2048, 128)
                // the initializers were given back
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    assertFalse(p.getValue().getInitializer() instanceof BindingInitializer);
                }
            }
        }
    }

    @Test
    void anInitialisedBlockIsMaskedWhenTheTrainerIsCreated() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(5).until(50).build();
        try (Model model = Mlp.model()) {
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
            NDArray w0 = model.getBlock().getParameters().get(0).getValue().getArray();
            assertEquals(1024, nonZeros(w0));
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                assertTrue(config.run().isBound());
                assertEquals(512, nonZeros(w0));
                trainer.initialize(INPUT); // a no-op for initialised parameters: still sparse
                assertEquals(512, nonZeros(w0));
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameMasksBitForBit() {
        List<float[]> first = initialMasks(11);
        List<float[]> again = initialMasks(11);
        List<float[]> other = initialMasks(12);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), again.get(i));
        }
        assertFalse(java.util.Arrays.equals(first.get(0), other.get(0)));
    }

    private static List<float[]> initialMasks(long seed) {
        SparseTrainer sparse = SparseTrainer.builder().erdosRenyiKernel(0.6).updateEvery(5).until(50).seed(seed).build();
        List<float[]> out = new ArrayList<>();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                masked(model, config.run()).values().forEach(wm -> out.add(wm.getValue().toFloatArray()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ training

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "adam", "sgd-momentum"})
    void maskedWeightsStayExactlyZeroAfterEveryStep(String optimizer) {
        SparseTrainer sparse = SparseTrainer.builder().erdosRenyiKernel(0.7).updateEvery(4).until(100).seed(5).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(optimizer(optimizer)));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                for (int step = 1; step <= 25; step++) {
                    Mlp.step(trainer, model.getNDManager(), 32, step);
                    for (Pair<NDArray, NDArray> wm : masked(model, config.run()).values()) {
                        assertEquals(0f, largestMasked(wm.getKey(), wm.getValue()), optimizer + ", step " + step);
                    }
                }
                assertEquals(25, config.run().step());
                assertEquals(6, config.run().updates()); // steps 4, 8, …, 24
            }
        }
    }

    @Test
    void exactNonZeroCountsAreConservedAcrossManyUpdatesWhileTheMasksMove() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.8).updateEvery(1).until(1000).constantFraction()
                .pruneFraction(0.3).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                SparsityReport start = config.run().report();
                for (int step = 1; step <= 30; step++) {
                    Mlp.step(trainer, model.getNDManager(), 32, step);
                    SparsityReport now = config.run().report();
                    for (int i = 0; i < start.layers().size(); i++) {
                        assertEquals(start.layers().get(i).nonZeros(), now.layers().get(i).nonZeros(), "step " + step);
                    }
                }
                SparsityReport end = config.run().report();
                assertEquals(0.8, end.sparsity(), 1e-3);
                for (LayerSparsity l : end.layers()) {
                    assertTrue(l.everActiveFraction() > l.density() + 0.05,
                            l.name() + " explored only " + l.everActiveFraction() + " at density " + l.density());
                }
            }
        }
    }

    @Test
    void noArraysLeakIntoTheModelManagerAcrossStepsAndUpdates() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(2).until(1000).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                int[] counts = new int[12];
                for (int step = 0; step < counts.length; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                    counts[step] = model.getNDManager().getManagedArrays().size();
                }
                assertTrue(config.run().updates() >= 5);
                for (int step = 2; step < counts.length; step++) {
                    assertEquals(counts[1], counts[step], "model manager after step " + (step + 1) + ": "
                            + java.util.Arrays.toString(counts));
                }
            }
        }
    }

    @Test
    void theWholeRunIsReproducibleForASeed() {
        assertArrayEquals(masksAfterTraining(), masksAfterTraining());
    }

    private static float[] masksAfterTraining() {
        Engine.getInstance().setRandomSeed(21);
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.6).updateEvery(3).until(100).seed(21).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                for (int step = 1; step <= 10; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                return masked(model, config.run()).values().iterator().next().getValue().toFloatArray();
            }
        }
    }

    @Test
    void theReportReachesTheLogAndDjlMetricsEachEpoch() {
        SparseTrainer sparse = SparseTrainer.builder().erdosRenyiKernel(0.7).updateEvery(5).until(50).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                trainer.setMetrics(new Metrics());
                Mlp.step(trainer, model.getNDManager(), 16, 0);
                trainer.notifyListeners(l -> l.onEpoch(trainer));
                Metrics metrics = trainer.getMetrics();
                assertTrue(metrics.hasMetric("sparsity"));
                assertEquals(0.7, metrics.latestMetric("sparsity").getValue(), 1e-3);
                assertTrue(metrics.hasMetric("density_01Linear_weight"));
                SparsityReport report = config.run().report();
                String json = report.toJson();
                for (String key : new String[] {"\"step\": 1", "\"sparsity\"", "\"nonZeros\"", "\"layers\"", "\"shape\"",
                        "\"density\"", "\"everActive\""}) {
                    assertTrue(json.contains(key), key + " in " + json);
                }
                assertTrue(report.text().contains("sparsity 70.0"), report.text());
            }
            assertNotNull(config.run().report(), "the last report outlives the trainer");
        }
    }

    @Test
    void theDeviceIsTheOneTheWeightsLiveOn() {
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(5).until(50).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(dense(adamW()).optDevices(new Device[] {Device.cpu()}));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(INPUT);
                for (Pair<NDArray, NDArray> wm : masked(model, config.run()).values()) {
                    assertEquals(wm.getKey().getDevice(), wm.getValue().getDevice());
                    assertEquals(wm.getKey().getDataType(), wm.getValue().getDataType());
                }
            }
        }
    }
}
