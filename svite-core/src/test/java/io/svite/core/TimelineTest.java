package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.data.SeededSampler;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.Timeline;
import io.svite.core.resume.CheckpointListener;
import io.svite.core.schedule.Decay;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.GatedNet;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's timeline: what it records at every update is what the masks and gates did, and a run
 * stopped and resumed from its checkpoints has the uninterrupted run's timeline.
 */
class TimelineTest {

    static final int BATCH = 32;
    static final int EXAMPLES = 256; // 8 steps per epoch
    static final int EPOCHS = 3;
    static final long SEED = 7;

    @TempDir Path dir;

    /** Stops a run the way a crash would. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    static ArrayDataset data(NDManager manager, SeededSampler sampler) {
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[EXAMPLES * Mlp.IN];
        float[] y = new float[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            int c = i % Mlp.CLASSES;
            y[i] = c;
            for (int j = 0; j < Mlp.IN; j++) {
                x[i * Mlp.IN + j] = (float) (r.nextGaussian() + (j % Mlp.CLASSES == c ? 1.5 : 0));
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(EXAMPLES, Mlp.IN)))
                .optLabels(manager.create(y))
                .setSampling(sampler)
                .build();
    }

    /** SViTE's masks and S2ViTE's units on the gated network, updating every 3 steps. */
    static SparseTrainer recipe() {
        return SparseTrainer.builder()
                .erdosRenyi(0.6)
                .units(GatedNet.declaration())
                .keep(GatedNet.HEADS, 0.5)
                .keep(GatedNet.NEURONS, 0.5)
                .updateEvery(3)
                .decay(Decay.constant())
                .seed(3)
                .build();
    }

    /**
     * Trains the recipe under EasyTrain with checkpoints every 5 steps, stopping in batch {@code
     * stopAt} if positive; a listener before the engine's compares, at every batch, the masks with
     * those of the batch before and, when an update happened in between, records its step and the
     * entries it switched off and on.
     */
    Timeline train(Path run, int stopAt, List<long[]> observed) throws Exception {
        SeededSampler sampler = new SeededSampler(BATCH, true, SEED);
        try (NDManager manager = NDManager.newBaseManager(); Model model = GatedNet.model()) {
            ArrayDataset train = data(manager, sampler);
            DefaultTrainingConfig base = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(5e-3f)).weightDecay(0.05f).build());
            SparseTrainingConfig[] sparse = new SparseTrainingConfig[1];
            base.addTrainingListeners(observer(sparse, stopAt, observed)); // runs before the engine's listener
            sparse[0] = recipe().configure(base, (long) EPOCHS * EXAMPLES / BATCH);
            CheckpointListener checkpoints = CheckpointListener.builder()
                    .folder(run).every(5).keep(2).seed(SEED).sampler(sampler).build();
            TrainingConfig config = checkpoints.configure(model, sparse[0], GatedNet.INPUT);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(GatedNet.INPUT);
                EasyTrain.fit(trainer, checkpoints.remainingEpochs(EPOCHS), train, null);
            }
            Timeline t = sparse[0].run().timeline();
            assertEquals(t, sparse[0].run().timeline(), "readable after the trainer closed");
            return t;
        }
    }

    static TrainingListenerAdapter observer(SparseTrainingConfig[] sparse, int stopAt, List<long[]> observed) {
        return new TrainingListenerAdapter() {
            private int batches;
            private long updates = -1;
            private final Map<String, float[]> before = new HashMap<>();

            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                if (stopAt > 0 && ++batches == stopAt) {
                    throw new Stop();
                }
                SparseRun run = sparse[0].run();
                Map<String, float[]> now = new HashMap<>();
                for (LayerSparsity l : run.report().layers()) {
                    NDArray mask = Fixtures.maskOf(run, l.parameter());
                    if (mask != null) {
                        now.put(l.parameter(), mask.toFloatArray());
                    }
                }
                if (updates >= 0 && run.updates() > updates && observed != null) { // the last batch's update
                    long off = 0;
                    long on = 0;
                    for (Map.Entry<String, float[]> e : now.entrySet()) {
                        float[] b = before.get(e.getKey());
                        for (int i = 0; i < b.length; i++) {
                            off += b[i] == 1f && e.getValue()[i] == 0f ? 1 : 0;
                            on += b[i] == 0f && e.getValue()[i] == 1f ? 1 : 0;
                        }
                    }
                    observed.add(new long[] {run.step(), off, on});
                }
                updates = run.updates();
                before.clear();
                before.putAll(now);
            }
        };
    }

    @Test
    void everyUpdateRecordsWhatTheMasksAndGatesDid() throws Exception {
        List<long[]> observed = new ArrayList<>();
        Timeline t = train(dir.resolve("a"), 0, observed);
        assertTrue(t.complete());
        assertEquals(List.of("mix_heads", "mlp_neurons"), t.groups().stream().map(Timeline.Group::name).toList());
        assertEquals(4, t.groups().get(0).units());
        assertEquals("heads", t.groups().get(0).family());
        assertEquals(4, t.tensors().size(), "the four Linear weights");

        // 24 steps, updates before steps 3, 6, …, 24 (the schedule's end is 80 % of the run: 19)
        List<Long> steps = t.updates().stream().map(Timeline.Update::step).toList();
        assertEquals(List.of(0L, 3L, 6L, 9L, 12L, 15L, 18L), steps);
        Timeline.Update first = t.updates().get(0);
        first.tensors().forEach(c -> assertEquals(0, c.pruned() + c.grown(), "nothing changed before training"));

        assertEquals(t.updates().size() - 1, observed.size(), "one observed mask change per update");
        for (int u = 1; u < t.updates().size(); u++) {
            Timeline.Update now = t.updates().get(u);
            Timeline.Update prev = t.updates().get(u - 1);
            long off = 0;
            long on = 0;
            for (int i = 0; i < t.tensors().size(); i++) {
                Timeline.TensorCounts c = now.tensors().get(i);
                assertEquals(c.pruned(), c.grown(), "prune and grow replace as many " + t.tensors().get(i).name());
                assertEquals(prev.tensors().get(i).active(), c.active(), "the active count is conserved");
                assertTrue(c.everActive() >= prev.tensors().get(i).everActive(), "ever active only grows");
                off += c.pruned();
                on += c.grown();
            }
            assertEquals(observed.get(u - 1)[0], now.step(), "the update's step");
            assertEquals(observed.get(u - 1)[1], off, "entries switched off at step " + now.step());
            assertEquals(observed.get(u - 1)[2], on, "entries switched on at step " + now.step());
            for (int g = 0; g < t.groups().size(); g++) {
                assertEquals(t.groups().get(g).units() / 2, now.units().get(g).cardinality(), "the budget holds");
            }
        }
        assertTrue(observed.stream().anyMatch(o -> o[1] > 0), "some weights moved");
        assertTrue(t.updates().stream().skip(1).anyMatch(u -> !u.units().equals(first.units())), "some units moved");
    }

    @Test
    void theLastEntryIsWhatTheReportsSay() throws Exception {
        SeededSampler sampler = new SeededSampler(BATCH, true, SEED);
        try (NDManager manager = NDManager.newBaseManager(); Model model = GatedNet.model()) {
            SparseTrainingConfig sparse = recipe().configure(Fixtures.dense(Fixtures.adamW()), 16);
            try (Trainer trainer = model.newTrainer(sparse)) {
                trainer.initialize(GatedNet.INPUT);
                EasyTrain.fit(trainer, 2, data(manager, sampler), null);
                Timeline t = sparse.run().timeline();
                Timeline.Update last = t.updates().get(t.updates().size() - 1);
                List<LayerSparsity> layers = sparse.run().report().layers();
                for (int i = 0; i < layers.size(); i++) {
                    assertEquals(layers.get(i).parameter(), t.tensors().get(i).name());
                    assertEquals(layers.get(i).nonZeros(), last.tensors().get(i).active());
                    assertEquals(layers.get(i).everActive(), last.tensors().get(i).everActive());
                }
                Map<String, List<Integer>> active = sparse.run().activeUnits();
                for (int g = 0; g < t.groups().size(); g++) {
                    List<Integer> on = last.units().get(g).stream().boxed().toList();
                    assertEquals(active.get(t.groups().get(g).name()), on, t.groups().get(g).name());
                    int ever = sparse.run().units().groups().get(g).everActive();
                    assertEquals(ever, t.everActiveUnits(g, t.updates().size() - 1).cardinality());
                }
                assertEquals(1 + sparse.run().updates(), t.updates().size(), "one entry per update and the start");
            }
        }
    }

    @Test
    void aStoppedAndResumedRunHasTheUninterruptedTimeline() throws Exception {
        Timeline full = train(dir.resolve("full"), 0, null);
        // 8 steps per epoch; stopped in batch 13: the newest checkpoint is after step 10, between updates
        assertThrows(Stop.class, () -> train(dir.resolve("stopped"), 13, null));
        Timeline resumed = train(dir.resolve("stopped"), 0, null);
        assertEquals(full.jsonText(), resumed.jsonText());
        assertEquals(full, resumed);
        assertTrue(resumed.complete());
    }

    @Test
    void aRunResumedFromAMaskFileSaysItsTimelineIsIncomplete() throws Exception {
        SeededSampler sampler = new SeededSampler(BATCH, true, SEED);
        SparseTrainer svite = SparseTrainer.builder().erdosRenyi(0.6).updateEvery(3).seed(3).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            try (Model model = Mlp.model()) {
                SparseTrainingConfig sparse = svite.configure(Fixtures.dense(Fixtures.adamW()), 16);
                try (Trainer trainer = model.newTrainer(sparse)) {
                    trainer.initialize(Fixtures.INPUT);
                    EasyTrain.fit(trainer, 1, data(manager, sampler), null);
                    sparse.run().save(dir, "mlp");
                }
            }
            try (Model model = Mlp.model()) {
                SparseTrainingConfig sparse = svite.configure(Fixtures.dense(Fixtures.adamW()), 16);
                sparse.run().resumeFrom(dir, "mlp");
                try (Trainer trainer = model.newTrainer(sparse)) {
                    trainer.initialize(Fixtures.INPUT);
                    EasyTrain.fit(trainer, 1, data(manager, sampler), null);
                    Timeline t = sparse.run().timeline();
                    assertFalse(t.complete());
                    assertEquals(8, t.updates().get(0).step(), "it starts where the mask file was saved");
                }
            }
        }
    }

    @Test
    void beforeTrainingThereIsNoTimeline() {
        SparseTrainingConfig sparse = recipe().configure(Fixtures.dense(Fixtures.adamW()), 16);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sparse.run().timeline());
        assertTrue(e.getMessage().contains("no training has started"), e.getMessage());
    }

    @Test
    void theJsonRoundTripsAndUnitSetsAreHexBitmaps() {
        BitSet heads = new BitSet();
        heads.set(0, 3);
        assertEquals("e", Timeline.hex(heads, 3));
        BitSet some = new BitSet();
        some.set(0);
        some.set(5);
        assertEquals("84", Timeline.hex(some, 8));
        assertEquals(some, Timeline.fromHex("84"));
        BitSet two = new BitSet();
        two.set(0);
        two.set(2);
        assertEquals("a", Timeline.hex(two, 3));
        Timeline t = new Timeline(
                List.of(new Timeline.Tensor("fc_weight", "fc", 100)),
                List.of(new Timeline.Group("block0_heads", "heads", 3)),
                List.of(new Timeline.Update(0, List.of(new Timeline.TensorCounts(50, 0, 0, 50)), List.of(heads)),
                        new Timeline.Update(4, List.of(new Timeline.TensorCounts(50, 5, 5, 55)), List.of(two))),
                true);
        assertThrows(IllegalArgumentException.class, () -> new Timeline(t.tensors(), t.groups(),
                List.of(new Timeline.Update(0, List.of(), List.of())), true), "an entry must count every tensor");
        Timeline back = Timeline.fromJson(t.jsonText(), "test");
        assertEquals(t, back);
        assertNotEquals(t, Timeline.fromJson(t.jsonText().replace("\"e\"", "\"c\""), "test"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.fromJson("{\"format\": \"other\"}", "x.json"));
        assertTrue(e.getMessage().startsWith("x.json is not a timeline"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Timeline.fromJson("{", "x.json"));
        assertTrue(e.getMessage().startsWith("x.json is not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Timeline.fromJson(t.jsonText().replace("\"e\"", "\"z\""), "x.json"));
        assertTrue(e.getMessage().contains("not a hexadecimal digit"), e.getMessage());
    }
}
