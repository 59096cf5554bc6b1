package io.svite.models.deit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseRun;
import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.report.SparsityReport;
import io.svite.core.report.UnitGroupReport;
import io.svite.core.report.UnitReport;
import io.svite.core.schedule.Decay;
import io.svite.models.compact.Compactor;
import io.svite.models.compact.KeptUnits;
import io.svite.models.compact.StructuredBudget;
import io.svite.models.tokens.TokenSelection;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

class DeiTUnitsTest {

    static SparseTrainer.Builder recipe(long interval) {
        return SparseTrainer.builder()
                .units(DeiTUnits.declaration())
                .keep(DeiTUnits.HEADS, 0.7)
                .keep(DeiTUnits.NEURONS, 0.6)
                .updateEvery(interval)
                .until(1000)
                .decay(Decay.constant())
                .scoreWindow(2)
                .seed(1);
    }

    static DefaultTrainingConfig adamW(Block block) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(2e-3f)).weightDecay(0.05f)
                        .decayWeightsOnly(block).build());
    }

    static void step(Trainer trainer, NDManager parent, DeiTConfig config, long seed) {
        try (NDManager m = parent.newSubManager()) {
            Random r = new Random(seed);
            int b = 16;
            float[] y = new float[b];
            for (int i = 0; i < b; i++) {
                y[i] = r.nextInt(config.classes());
            }
            NDArray x = m.randomNormal(new Shape(b, config.channels(), config.imageSize(), config.imageSize()));
            // make the label visible in the image so the loss has something to learn
            NDArray labels = m.create(y);
            x = x.add(labels.reshape(b, 1, 1, 1).div(5f));
            Batch batch = new Batch(m, new NDList(x), new NDList(labels), b, null, null, 0, 1);
            EasyTrain.trainBatch(trainer, batch);
            trainer.step();
        }
    }

    static Shape input(DeiTConfig config, int batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    static NDArray forward(DeiT deit, NDManager manager, NDArray x) {
        NDManager scope = manager.newSubManager();
        NDArray y = deit.forward(new ParameterStore(scope, false), new NDList(x), false).head();
        y.attach(manager);
        scope.close();
        return y;
    }

    /** Per block: (active heads, active neurons), checked to be exactly 0/1 gates. */
    static List<BlockShape> activeCounts(DeiT deit) {
        return Compactor.keptUnits(deit).stream().map(KeptUnits::shape).toList();
    }

    @Test
    void declaresOneHeadAndOneNeuronGroupPerBlockAndRefusesOtherBlocks() {
        DeiT deit = DeiT.of(DeiTConfig.mini().withDepth(2));
        var groups = DeiTUnits.declaration().groups(deit);
        assertEquals(List.of("block0_attn_heads", "block0_mlp_neurons", "block1_attn_heads", "block1_mlp_neurons"),
                groups.stream().map(g -> g.name()).toList());
        assertEquals(3, groups.get(0).units());
        assertEquals(384, groups.get(1).units());
        assertEquals(deit.blocks().get(0).attention().headGate(), groups.get(0).gate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeiTUnits.declaration().groups(new SequentialBlock()));
        assertTrue(e.getMessage().contains("not of a SequentialBlock"), e.getMessage());
    }

    @Test
    void theCoreBudgetGivesTheSameCountsAsTheModelsStructuredBudget() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (DeiTConfig config : List.of(DeiTConfig.mini(), DeiTConfig.tiny(), DeiTConfig.small())) {
                DeiT deit = DeiT.of(config.withDepth(2));
                deit.initialize(manager, DataType.FLOAT32, input(config, 1));
                check(deit, StructuredBudget.fractions(0.7, 0.6), recipe(5));
                check(deit, StructuredBudget.uniform(0.4), base(5).unitSparsity(0.4));
                check(deit, StructuredBudget.erdosRenyi(0.4), base(5).unitBudget(io.svite.core.structured.UnitBudget.erdosRenyi(0.4)));
                check(deit, StructuredBudget.erdosRenyi(0.25), base(5).unitBudget(io.svite.core.structured.UnitBudget.erdosRenyi(0.25)));
            }
        }
    }

    @Test
    void blockShapesNeedNoWeightsAndAgreeWithTheTrainersCounts() {
        assertEquals(java.util.Collections.nCopies(12, new BlockShape(4, 921)),
                DeiTUnits.blockShapes(DeiTConfig.small(), io.svite.core.structured.UnitBudget.fractions(
                        Map.of(DeiTUnits.HEADS, 0.7, DeiTUnits.NEURONS, 0.6))));
        assertEquals(StructuredBudget.erdosRenyi(0.4).shapes(DeiTConfig.base()),
                DeiTUnits.blockShapes(DeiTConfig.base(), io.svite.core.structured.UnitBudget.erdosRenyi(0.4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeiTUnits.blockShapes(DeiTConfig.mini(), io.svite.core.structured.UnitBudget.uniform(0.8)));
        assertTrue(e.getMessage().contains("keeps floor(3 × 0.2) = 0 of the 3 units of block0_attn_heads"),
                e.getMessage());
    }

    private static SparseTrainer.Builder base(long interval) {
        return SparseTrainer.builder().units(DeiTUnits.declaration()).updateEvery(interval).until(100);
    }

    private static void check(DeiT deit, StructuredBudget budget, SparseTrainer.Builder recipe) {
        List<BlockShape> expected = budget.shapes(deit.config().withDepth(2));
        Map<String, Integer> counts = recipe.build().unitCounts(deit);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).heads(), counts.get("block" + i + "_attn_heads"), budget + " " + deit.config());
            assertEquals(expected.get(i).hidden(), counts.get("block" + i + "_mlp_neurons"), budget + " " + deit.config());
        }
    }

    /** Trains a two-block DeiT with six heads per block for 15 steps (5 updates), checking counts after each. */
    private static UnitReport trainSixHeads(boolean regrowPruned) {
        Engine.getInstance().setRandomSeed(7);
        // six heads of 16 dimensions per block, half of them active: an update can swap two heads
        DeiTConfig config = DeiTConfig.of(28, 1, 4, 96, 2, 6, 4.0, 10, 0.0);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            SparseTrainingConfig training =
                    recipe(3).keep(DeiTUnits.HEADS, 0.5).regrowPruned(regrowPruned).build().configure(adamW(deit));
            try (Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(input(config, 1));
                int[] arrays = new int[15];
                for (int s = 0; s < arrays.length; s++) {
                    step(trainer, model.getNDManager(), config, s);
                    arrays[s] = model.getNDManager().getManagedArrays().size();
                    for (BlockShape b : activeCounts(deit)) {
                        assertEquals(new BlockShape(3, 230), b, "⌊6·0.5⌋ heads, ⌊384·0.6⌋ neurons, step " + (s + 1));
                    }
                }
                for (int s = 2; s < arrays.length; s++) {
                    assertEquals(arrays[1], arrays[s], "model manager array count: " + java.util.Arrays.toString(arrays));
                }
                UnitReport report = training.run().units();
                assertEquals(5, report.updates());
                return report;
            }
        }
    }

    @Test
    void s2viteMovesHeadsAndNeuronsOfADeitKeepsEachBlocksCountsAndLeaksNothing() {
        UnitReport report = trainSixHeads(true);
        // trained heads usually outscore dormant ones on the Taylor score, so heads swap only now and then;
        // neurons move in every block
        UnitGroupReport heads = report.families().get(0);
        assertEquals("heads", heads.name());
        assertTrue(heads.grown() > 0 && heads.changed() > 0, report.text());
        for (UnitGroupReport g : report.groups()) {
            if (g.family().equals("neurons")) {
                assertTrue(g.changed() > 10 && g.everActive() > g.active() + 10, g.name() + ": " + report.text());
            }
        }
    }

    @Test
    void withForcedSwapsEveryUpdateReplacesExactlyRUnitsInEveryBlock() {
        UnitReport report = trainSixHeads(false);
        for (UnitGroupReport g : report.groups()) {
            // α = 0.5 constant: r = ⌈0.5 · 3⌉ = 2 heads, ⌈0.5 · 230⌉ = 115 neurons per update, 5 updates
            assertEquals(g.family().equals("heads") ? 10 : 575, g.grown(), g.name() + ": " + report.text());
            assertTrue(g.everActive() > g.active(), g.name() + ": " + report.text());
        }
    }

    @Test
    void aTrainedGatedDeitEqualsItsCompactedModelSoAPrunedHeadsValueBiasDoesNotLeak() {
        DeiTConfig config = DeiTConfig.mini().withDepth(2);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            SparseTrainingConfig training = recipe(2).build().configure(adamW(deit));
            try (Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(input(config, 1));
                for (int s = 0; s < 6; s++) {
                    step(trainer, model.getNDManager(), config, s);
                }
            }
            NDManager m = model.getNDManager();
            // a pruned head with the weights through which the reference code leaks: its value bias (the part of
            // qkv.bias the reference never masks) and the proj columns that read it, both large
            GatedAttention attn = deit.blocks().get(0).attention();
            List<Integer> kept = Compactor.keptUnits(deit).get(0).heads();
            int off = 0;
            while (kept.contains(off)) {
                off++;
            }
            int d = attn.headDim();
            int v = 2 * attn.heads() * d + off * d;
            attn.qkv().getParameters().get("bias").getArray().set(new NDIndex(v + ":" + (v + d)), 10f);
            // random columns: a constant one would add the same value to every feature, which LayerNorm removes
            NDArray columns = m.randomNormal(new Shape(config.width(), d));
            attn.proj().getParameters().get("weight").getArray().set(new NDIndex(":, " + off * d + ":" + (off + 1) * d), columns);
            NDArray x = m.randomNormal(input(config, 4));
            NDArray gated = forward(deit, m, x);
            DeiT compact = Compactor.compact(deit, m);
            NDArray small = forward(compact, m, x);
            assertEquals(0f, gated.sub(small).abs().max().getFloat(), 1e-5f);
            // sensitivity: the same head with its gate on does change the output
            attn.headGate().getArray().set(new NDIndex(Integer.toString(off)), 1f);
            assertTrue(forward(deit, m, x).sub(gated).abs().max().getFloat() > 1e-2f);
        }
    }

    @Test
    void withTokenSelectionAndWithSviteBothInvariantsHoldAndTheModelStillCompactsExactly() {
        DeiTConfig config = DeiTConfig.mini().withDepth(2).withTokenSelection(TokenSelection.ratio(0.5));
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            SparseTrainingConfig training =
                    recipe(3).erdosRenyiKernel(0.5).seed(2).unitSeed(1).build().configure(adamW(deit));
            SparseRun sparseRun = training.run();
            try (Trainer trainer = model.newTrainer(training)) {
                trainer.initialize(input(config, 1));
                SparsityReport start = sparseRun.report();
                for (int s = 0; s < 9; s++) {
                    step(trainer, model.getNDManager(), config, s);
                    for (BlockShape b : activeCounts(deit)) {
                        assertEquals(new BlockShape(2, 230), b);
                    }
                    SparsityReport now = sparseRun.report();
                    for (int i = 0; i < start.layers().size(); i++) {
                        assertEquals(start.layers().get(i).nonZeros(), now.layers().get(i).nonZeros());
                    }
                    assertEquals(0.5, now.sparsity(), 1e-3);
                }
                assertEquals(3, sparseRun.updates());
                assertEquals(3, training.run().updates());
                assertTrue(training.run().units().changed() > 0);
            }
            NDManager m = model.getNDManager();
            NDArray x = m.randomNormal(input(config, 3));
            DeiT compact = Compactor.compact(deit, m);
            assertEquals(config.keptPatches(), compact.config().keptPatches());
            assertEquals(0f, forward(deit, m, x).sub(forward(compact, m, x)).abs().max().getFloat(), 1e-5f);
        }
    }
}
