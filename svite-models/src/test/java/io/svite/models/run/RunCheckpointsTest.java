package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.data.ImageData;
import io.svite.core.data.SyntheticImages;
import io.svite.core.distribution.PruningScope;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitCriterion;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.EpochMetrics;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.methods.DenseMethod;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.GmpMethod;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.MethodContext;
import io.svite.models.methods.MethodOutcome;
import io.svite.models.methods.OmpMethod;
import io.svite.models.methods.S2viteMethod;
import io.svite.models.methods.S2viteRecipe;
import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.SviteRecipe;
import io.svite.models.methods.TaylorMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.TrainingPhase;
import io.svite.models.methods.VitSlimMethod;
import io.svite.models.methods.VtpMethod;
import io.svite.models.tokens.TokenSelection;

import ai.djl.Device;
import ai.djl.Model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Exact resume: a run stopped after step s and resumed from its checkpoint ends with the same
 * weights, masks, optimizer state and metrics, bit for bit, as the run that was not stopped.
 *
 * <p>"Stopped after step s" is a fresh run folder that holds only the recipe's checkpoint of step s,
 * resumed by a new {@link TrainingRun} with new method objects: nothing but the checkpoint carries
 * over, so any state it lacks shows up as a difference.
 */
class RunCheckpointsTest {

    /** 2 epochs of 5 steps, a checkpoint every 2 steps and at the end of each epoch (step 5). */
    private static final int EPOCHS = 2;
    private static final int BATCHES = 5;

    @TempDir Path dir;

    private static TrainRecipe recipe(double dropPath) {
        return new TrainRecipe("deit-mini", "synthetic", null, EPOCHS, 8, BATCHES, 1e-3, 1e-5, 0.05, 0.5, 0.1,
                dropPath, 7, null);
    }

    private static ImageData data() {
        return SyntheticImages.create(10, 128, 16, 28, 7);
    }

    private static SviteMethod svite() {
        return new SviteMethod(new SviteRecipe(SparsityDistribution.erdosRenyiKernel(0.5), 3, 0, 0.5, Decay.cosine(), 7));
    }

    /** Runs uninterrupted into {@code a}, keeping every checkpoint. */
    private TrainResult uninterrupted(TrainRecipe recipe, TrainingMethod method, Path a) throws IOException {
        try (ImageData data = data()) {
            return new TrainingRun(recipe, data, Device.cpu(), null)
                    .run(method, RunFolder.create(a), new CheckpointPolicy(2, 100));
        }
    }

    /** Makes a run folder that holds only the checkpoints of {@code steps} and resumes it. */
    private TrainResult stoppedAndResumed(TrainRecipe recipe, TrainingMethod method, Path a, Path b, long... steps)
            throws IOException {
        Files.createDirectories(b.resolve(CheckpointStore.FOLDER));
        for (long s : steps) {
            copyTree(a.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(s)),
                    b.resolve(CheckpointStore.FOLDER).resolve(CheckpointStore.nameOf(s)));
        }
        try (ImageData data = data()) {
            return new TrainingRun(recipe, data, Device.cpu(), null)
                    .resume(method, RunFolder.existing(b), new CheckpointPolicy(2, 100));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static void assertSameRun(TrainResult a, TrainResult b, Path da, Path db, String... stateFiles)
            throws IOException {
        assertEquals(a.epochs().size(), b.epochs().size());
        for (int i = 0; i < a.epochs().size(); i++) {
            EpochMetrics x = a.epochs().get(i);
            EpochMetrics y = b.epochs().get(i);
            assertEquals(x.trainLoss(), y.trainLoss(), 0, "train loss of epoch " + (i + 1));
            assertEquals(x.trainAccuracy(), y.trainAccuracy(), 0, "train accuracy of epoch " + (i + 1));
            assertEquals(x.testAccuracy(), y.testAccuracy(), 0, "test accuracy of epoch " + (i + 1));
            assertEquals(x.learningRate(), y.learningRate(), 0, "learning rate of epoch " + (i + 1));
            assertEquals(x.phase(), y.phase());
        }
        assertEquals(a.testAccuracy(), b.testAccuracy(), 0);
        assertArrayEquals(Files.readAllBytes(da.resolve("model/deit-0000.params")),
                Files.readAllBytes(db.resolve("model/deit-0000.params")), "final weights, bit for bit");
        Path last = Path.of(CheckpointStore.FOLDER, CheckpointStore.nameOf(EPOCHS * BATCHES));
        for (String f : new String[] {RunCheckpoints.WEIGHTS, RunCheckpoints.OPTIMIZER}) {
            assertArrayEquals(Files.readAllBytes(da.resolve(last).resolve(f)), Files.readAllBytes(db.resolve(last).resolve(f)),
                    f + " of the last checkpoint, bit for bit");
        }
        for (String f : stateFiles) {
            assertArrayEquals(Files.readAllBytes(da.resolve(f)), Files.readAllBytes(db.resolve(f)), f + ", bit for bit");
        }
        if (a.sparsity() != null) {
            assertEquals(a.sparsity().updates(), b.sparsity().updates());
            assertEquals(a.sparsity().step(), b.sparsity().step());
        }
    }

    @Test
    void denseResumesExactlyMidEpochAndAtAnEpochsEnd() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), new DenseMethod(), a);
        assertEquals(List.of(2L, 4L, 5L, 6L, 8L, 10L), steps(a));
        for (long s : new long[] {4, 5}) {
            Path b = dir.resolve("dense-" + s);
            TrainResult resumed = stoppedAndResumed(recipe(-1), new DenseMethod(), a, b, s);
            assertSameRun(full, resumed, a, b);
        }
    }

    @Test
    void sviteResumesWithTheSameMasksWeightsAndUpdates() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), svite(), a);
        assertEquals(2, full.sparsity().updates(), "updates at steps 3 and 6 (until 80 % of 10)");
        // step 4: just after an update (momenta of regrown weights reset); step 6: just before the next
        for (long s : new long[] {4, 6}) {
            Path b = dir.resolve("svite-" + s);
            TrainResult resumed = stoppedAndResumed(recipe(-1), svite(), a, b, s);
            String masks = Path.of(CheckpointStore.FOLDER, CheckpointStore.nameOf(10), RunCheckpoints.STATES, "sparsity",
                    "engine.state").toString();
            assertSameRun(full, resumed, a, b, RunTimeline.FILE, "svite.masks", masks);
        }
    }

    @Test
    void theTokenSelectorWithDropPathResumesExactlyThoughItsNoiseComesFromTheEngine() throws Exception {
        TrainRecipe recipe = recipe(0.2).withTokens(TokenSelection.ratio(0.5));
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe, new DenseMethod(), a);
        Path b = dir.resolve("tokens-6");
        TrainResult resumed = stoppedAndResumed(recipe, new DenseMethod(), a, b, 6);
        assertSameRun(full, resumed, a, b);

        // the noise matters: another seed for the engine's draws gives other weights
        Path c = dir.resolve("other-seed");
        TrainRecipe other = new TrainRecipe("deit-mini", "synthetic", null, EPOCHS, 8, BATCHES, 1e-3, 1e-5, 0.05, 0.5,
                0.1, 0.0, 7, null).withTokens(TokenSelection.ratio(0.5));
        uninterrupted(other, new DenseMethod(), c);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("model/deit-0000.params")),
                Files.readAllBytes(c.resolve("model/deit-0000.params"))), "drop-path changes the weights");
    }

    @Test
    void theTimelineRecordsEveryUpdateAndTokenSnapshotAndAResumedRunWritesTheSameOne() throws Exception {
        TrainRecipe recipe = recipe(-1).withTokens(TokenSelection.ratio(0.5));
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe, s2vite(true), a);
        RunTimeline t = RunTimeline.read(a.resolve(RunTimeline.FILE));
        assertEquals(1, t.phases().size());
        io.svite.core.report.Timeline engine = t.phases().get(0).timeline();
        assertTrue(engine.complete());
        assertEquals(List.of(0L, 3L, 6L), engine.updates().stream().map(io.svite.core.report.Timeline.Update::step).toList(),
                "the start and the updates at steps 3 and 6");
        assertEquals(12, engine.groups().size(), "heads and neurons of 6 blocks");
        assertEquals(26, engine.tensors().size(), "qkv, proj, fc1, fc2 of 6 blocks, the patch embedding and the head"
                + " (which ERK keeps dense)");
        for (io.svite.core.report.Timeline.Update u : engine.updates()) {
            for (int g = 0; g < engine.groups().size(); g++) {
                int units = engine.groups().get(g).units();
                assertEquals(units == 3 ? 2 : units / 2, u.units().get(g).cardinality(), "the budget holds in every entry");
            }
        }
        assertTrue(engine.updates().get(1).tensors().stream().anyMatch(c -> c.grown() > 0), "weights moved at step 3");
        RunTimeline.Tokens tokens = t.tokens();
        assertEquals(4, tokens.testImages());
        assertEquals(49, tokens.patches());
        assertEquals(7, tokens.grid());
        assertEquals(25, tokens.kept(), "half of 49, rounded");
        assertEquals(List.of(0L, 5L, 10L), tokens.snapshots().stream().map(RunTimeline.Snapshot::step).toList(),
                "when training began and after each epoch");
        assertEquals(List.of(0, 1, 2), tokens.snapshots().stream().map(RunTimeline.Snapshot::epoch).toList());
        assertTrue(tokens.complete());
        assertEquals(t.json(), RunTimeline.read(a.resolve(RunTimeline.FILE)).json(), "reads back as written");

        // stopped mid-epoch after an update, and at an epoch's end (the epoch's snapshot is in its checkpoint)
        for (long s : new long[] {4, 5}) {
            Path b = dir.resolve("timeline-" + s);
            TrainResult resumed = stoppedAndResumed(recipe, s2vite(true), a, b, s);
            assertSameRun(full, resumed, a, b, RunTimeline.FILE);
        }
    }

    @Test
    void aDenseRunWithoutTokensWritesNoTimeline() throws Exception {
        Path a = dir.resolve("a");
        uninterrupted(recipe(-1), new DenseMethod(), a);
        assertFalse(Files.exists(a.resolve(RunTimeline.FILE)));
        assertEquals(null, SavedRun.read(a).timeline());
    }

    /** A state file of the last checkpoint, relative to the run folder. */
    private static String lastState(String... parts) {
        return Path.of(CheckpointStore.FOLDER, CheckpointStore.nameOf(EPOCHS * BATCHES), RunCheckpoints.STATES)
                .resolve(Path.of(parts[0], java.util.Arrays.copyOfRange(parts, 1, parts.length))).toString();
    }

    /**
     * S2ViTE on deit-mini: 2 of 3 heads and half the neurons per block, updates at steps 3 and 6,
     * Taylor scores averaged over 2 batches (steps 2–3 and 5–6), optionally with SViTE masks.
     */
    private static S2viteMethod s2vite(boolean withSvite) {
        return new S2viteMethod(new S2viteRecipe(
                UnitBudget.fractions(Map.of(DeiTUnits.HEADS, 0.67, DeiTUnits.NEURONS, 0.5)), 3, 0, 0.5, Decay.cosine(),
                UnitCriterion.weightL1(), 2, true, false, 7,
                withSvite ? new SviteRecipe(SparsityDistribution.erdosRenyiKernel(0.5), 3, 0, 0.5, Decay.cosine(), 7)
                        : null));
    }

    @Test
    void s2viteResumesWithTheSameGatesWeightsAndUnitsMidScoreWindowAndAfterAnUpdate() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), s2vite(false), a);
        String units = Files.readString(a.resolve(S2viteMethod.UNITS));
        assertTrue(units.contains("\"updates\": 2"), "updates at steps 3 and 6: " + units);
        // step 4: just after an update (moments of regrown units reset); step 5: inside the score
        // window of the update at step 6, so the Taylor sum of step 5 must come from the checkpoint
        for (long s : new long[] {4, 5}) {
            Path b = dir.resolve("s2vite-" + s);
            TrainResult resumed = stoppedAndResumed(recipe(-1), s2vite(false), a, b, s);
            assertSameRun(full, resumed, a, b, RunTimeline.FILE, S2viteMethod.UNITS, "gated/deit-0000.params",
                    lastState("sparsity", "engine.state"));
            assertEquals("[\"s2vite\"]", io.svite.core.checkpoint.StateFile.read(
                    b.resolve(lastState("sparsity", "engine.state")), "svite-engine").header().get("policies").toString(),
                    "no SViTE masks without --sparsity");
        }
    }

    @Test
    void s2viteWithSviteMasksResumesWithTheSameMasksToo() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), s2vite(true), a);
        assertEquals(2, full.sparsity().updates(), "SViTE updates at steps 3 and 6");
        Path b = dir.resolve("s2vite-svite-5");
        TrainResult resumed = stoppedAndResumed(recipe(-1), s2vite(true), a, b, 5);
        assertSameRun(full, resumed, a, b, RunTimeline.FILE, S2viteMethod.UNITS, "gated/deit-0000.params", "svite.masks",
                lastState("sparsity", "engine.state"));
        assertEquals("[\"svite\",\"s2vite\"]", io.svite.core.checkpoint.StateFile.read(
                b.resolve(lastState("sparsity", "engine.state")), "svite-engine").header().get("policies").toString(),
                "SViTE's masks and S2ViTE's units in one state");
    }

    @Test
    void sviteWithTheTokenSelectorResumesExactly() throws Exception {
        // drop-path and Gumbel noise from the engine, the temperature schedule (10 → 0.1) mid-way
        TrainRecipe recipe = recipe(0.2).withTokens(TokenSelection.ratio(0.5));
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe, svite(), a);
        assertEquals(2, full.sparsity().updates());
        Path b = dir.resolve("svite-tokens-4");
        TrainResult resumed = stoppedAndResumed(recipe, svite(), a, b, 4);
        assertSameRun(full, resumed, a, b, RunTimeline.FILE, "svite.masks", lastState("sparsity", "engine.state"));
    }

    /** Pruning events at steps 4, 6 and 8 of 10 (cubic over (2, 8]). */
    private static GradualPruning threeEvents() {
        return new GradualPruning(0.2, 0.8, 3, 0);
    }

    @Test
    void gmpResumesBeforeItsFirstEventAndBetweenEvents() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), new GmpMethod(0.5, PruningScope.uniform(), threeEvents()), a);
        assertEquals(3, full.sparsity().updates(), "events at steps 4, 6 and 8");
        for (long s : new long[] {2, 5}) {
            Path b = dir.resolve("gmp-" + s);
            TrainResult resumed =
                    stoppedAndResumed(recipe(-1), new GmpMethod(0.5, PruningScope.uniform(), threeEvents()), a, b, s);
            assertSameRun(full, resumed, a, b, RunTimeline.FILE, GmpMethod.MASKS + ".masks",
                    lastState("sparsity", "engine.state"));
        }
    }

    @Test
    void taylorPruningResumesWithItsSummedScores() throws Exception {
        // window 2: the event at step 6 ranks by the scores of steps 5 and 6; step 5's are in the checkpoint
        Path a = dir.resolve("a");
        TrainResult full =
                uninterrupted(recipe(-1), TaylorMethod.gradual(0.5, PruningScope.global(), threeEvents(), 2), a);
        assertEquals(3, full.sparsity().updates());
        Path b = dir.resolve("tp-5");
        TrainResult resumed = stoppedAndResumed(
                recipe(-1), TaylorMethod.gradual(0.5, PruningScope.global(), threeEvents(), 2), a, b, 5);
        assertSameRun(full, resumed, a, b, TaylorMethod.MASKS + ".masks", lastState("sparsity", "engine.state"));
    }

    @Test
    void oneShotMethodsResumeInTheirFineTuningPhase() throws Exception {
        // OMP prunes when fine-tuning begins: a resumed fine-tuning must not prune its trained weights again
        Path a = dir.resolve("omp");
        TrainResult full = uninterrupted(recipe(-1), new OmpMethod(0.5, PruningScope.global(), new EpochSplit(1, 1)), a);
        assertEquals(List.of("dense", "finetune"), full.epochs().stream().map(EpochMetrics::phase).toList());
        Path b = dir.resolve("omp-8");
        TrainResult resumed = stoppedAndResumed(
                recipe(-1), new OmpMethod(0.5, PruningScope.global(), new EpochSplit(1, 1)), a, b, 5, 8);
        assertSameRun(full, resumed, a, b, RunTimeline.FILE, OmpMethod.MASKS + ".masks",
                lastState("sparsity", "engine.state"));

        // one-shot Taylor pruning hands the dense phase's masks to fine-tuning: the restored end of
        // the dense phase must hold its event and masks
        Path c = dir.resolve("tp");
        TrainResult tp = uninterrupted(recipe(-1), TaylorMethod.oneShot(0.5, PruningScope.global(), new EpochSplit(1, 1), 2), c);
        Path d = dir.resolve("tp-8");
        TrainResult tpResumed = stoppedAndResumed(
                recipe(-1), TaylorMethod.oneShot(0.5, PruningScope.global(), new EpochSplit(1, 1), 2), c, d, 5, 8);
        assertSameRun(tp, tpResumed, c, d, TaylorMethod.MASKS + ".masks", lastState("sparsity", "engine.state"));
    }

    @Test
    void softMaskSearchesResumeInTheSearchAndAfterThePruningBetweenPhases() throws Exception {
        // the masks are gates (parameters), so the checkpoint's weights carry them; the threshold and
        // compaction between the phases are recomputed from the restored end of the search
        Path a = dir.resolve("vit-slim");
        TrainResult full = uninterrupted(recipe(-1), new VitSlimMethod(0.05, 0.6, Measure.PARAMS, new EpochSplit(1, 1)), a);
        assertEquals(List.of("search", "finetune"), full.epochs().stream().map(EpochMetrics::phase).toList());
        Path b = dir.resolve("vit-slim-4");
        TrainResult resumed = stoppedAndResumed(
                recipe(-1), new VitSlimMethod(0.05, 0.6, Measure.PARAMS, new EpochSplit(1, 1)), a, b, 4);
        assertSameRun(full, resumed, a, b, VitSlimMethod.MASKS);
        Path c = dir.resolve("vit-slim-8");
        resumed = stoppedAndResumed(
                recipe(-1), new VitSlimMethod(0.05, 0.6, Measure.PARAMS, new EpochSplit(1, 1)), a, c, 5, 8);
        assertSameRun(full, resumed, a, c, VitSlimMethod.MASKS);

        Path d = dir.resolve("vtp");
        TrainResult vtp = uninterrupted(recipe(-1), new VtpMethod(0.05, 0.5, Double.NaN, new EpochSplit(1, 1)), d);
        Path e = dir.resolve("vtp-8");
        TrainResult vtpResumed = stoppedAndResumed(
                recipe(-1), new VtpMethod(0.05, 0.5, Double.NaN, new EpochSplit(1, 1)), d, e, 5, 8);
        assertSameRun(vtp, vtpResumed, d, e, VtpMethod.MASKS);
    }

    /** Pretrains densely for one epoch, then trains SViTE on the same model for one more. */
    static final class TwoPhases implements TrainingMethod {
        @Override
        public String name() {
            return "two-phases";
        }

        @Override
        public MethodOutcome train(MethodContext ctx) {
            Model model = ctx.newModel(ctx.architecture());
            ctx.train(model, TrainingPhase.plain("pretrain", 1));
            SparseTrainingConfig[] sparse = new SparseTrainingConfig[1];
            ctx.train(model, new TrainingPhase("sparse", 1, (base, block, steps) -> sparse[0] =
                    new SviteRecipe(SparsityDistribution.uniform(0.5), 2, 0, 0.5, Decay.cosine(), 3)
                            .trainer(steps).configure(base)));
            return new MethodOutcome(model, sparse[0].run().report().densities(), sparse[0].run().report(),
                    d -> sparse[0].run().save(d, "sparse"));
        }
    }

    @Test
    void aLaterPhaseResumesFromTheEarlierPhasesEnd() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), new TwoPhases(), a);
        assertEquals(List.of("pretrain", "sparse"), full.epochs().stream().map(EpochMetrics::phase).toList());
        // step 8 is in the second phase; its start is the first phase's end, step 5
        Path b = dir.resolve("b");
        TrainResult resumed = stoppedAndResumed(recipe(-1), new TwoPhases(), a, b, 5, 8);
        assertSameRun(full, resumed, a, b, RunTimeline.FILE, "sparse.masks");

        // without the first phase's end the second cannot be resumed
        Path c = dir.resolve("c");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> stoppedAndResumed(recipe(-1), new TwoPhases(), a, c, 8));
        assertTrue(e.getMessage().contains("end of phase 0"), e.getMessage());
    }

    @Test
    void keepsTheNewestCheckpointsAndTheEndOfEveryEarlierPhase() throws Exception {
        Path a = dir.resolve("a");
        try (ImageData data = data()) {
            new TrainingRun(recipe(-1), data, Device.cpu(), null)
                    .run(new TwoPhases(), RunFolder.create(a), new CheckpointPolicy(1, 2));
        }
        assertEquals(List.of(5L, 9L, 10L), steps(a), "phase 0's end (5) and the newest two");
        assertFalse(Files.exists(a.resolve(RunCheckpoints.LOCK)), "the lock is released");
    }

    @Test
    void aFreshRunRefusesAFolderWithCheckpointsAndAResumeRefusesAnotherRecipe() throws Exception {
        Path a = dir.resolve("a");
        uninterrupted(recipe(-1), new DenseMethod(), a);
        try (ImageData data = data()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TrainingRun(recipe(-1), data, Device.cpu(), null)
                            .run(new DenseMethod(), RunFolder.create(a), CheckpointPolicy.defaults()));
            assertTrue(e.getMessage().contains("already holds checkpoints") && e.getMessage().contains("--resume"),
                    e.getMessage());

            TrainRecipe other = new TrainRecipe("deit-mini", "synthetic", null, EPOCHS, 8, BATCHES, 2e-3, 1e-5, 0.05, 0.5,
                    0.1, -1, 7, null);
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> new TrainingRun(other, data, Device.cpu(), null)
                            .resume(new DenseMethod(), RunFolder.existing(a), CheckpointPolicy.defaults()));
            assertTrue(s.getMessage().contains("another recipe") && s.getMessage().contains("learningRate 0.001 there, 0.002 here"),
                    s.getMessage());
            assertEquals(List.of(2L, 4L, 5L, 6L, 8L, 10L), steps(a), "nothing is set aside when nothing is usable");
        }
    }

    @Test
    void resumingAFolderWithoutCheckpointsStartsFromTheBeginning() throws Exception {
        Path a = dir.resolve("a");
        TrainResult full = uninterrupted(recipe(-1), new DenseMethod(), a);
        Path b = dir.resolve("b");
        Files.createDirectories(b);
        TrainResult resumed;
        try (ImageData data = data()) {
            resumed = new TrainingRun(recipe(-1), data, Device.cpu(), null)
                    .resume(new DenseMethod(), RunFolder.existing(b), new CheckpointPolicy(2, 100));
        }
        assertSameRun(full, resumed, a, b);
        assertNotEquals(0, steps(b).size());
    }

    static List<Long> steps(Path run) throws IOException {
        return CheckpointStore.in(run).list().stream().map(CheckpointStore::stepOf).toList();
    }
}
