package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.CheckpointStore;
import io.svite.core.data.ImageData;
import io.svite.core.data.SyntheticImages;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.TrainingDivergedException;
import io.svite.models.methods.DenseMethod;
import io.svite.models.methods.MethodContext;
import io.svite.models.methods.MethodOutcome;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.TrainingPhase;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared loop (RunContext, PhaseLoop) stops a diverged run at the right step and survives a full disk. */
class RunContextTest {

    @TempDir Path dir;

    private static TrainRecipe recipe(int batches) {
        return new TrainRecipe("deit-mini", "synthetic", null, 1, 8, batches, 1e-3, 1e-5, 0.05, 0, 0.1, -1, 3, null);
    }

    private static ImageData data() {
        return SyntheticImages.create(10, 128, 16, 28, 3);
    }

    /** Dense training that writes a NaN into the head's weight during step {@code step}, before its update. */
    static final class PoisonedAt implements TrainingMethod {
        private final long step;

        PoisonedAt(long step) {
            this.step = step;
        }

        @Override
        public String name() {
            return "poisoned";
        }

        @Override
        public MethodOutcome train(MethodContext ctx) {
            Model model = ctx.newModel(ctx.architecture());
            ctx.train(model, new TrainingPhase("train", ctx.recipe().epochs(), (base, block, steps) -> {
                base.addTrainingListeners(new TrainingListenerAdapter() {
                    private long seen;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        if (++seen == step) {
                            Parameter head = block.getParameters().get(headWeight(block));
                            head.getArray().set(new NDIndex("0, 0"), Float.NaN);
                        }
                    }
                });
                return base;
            }));
            return MethodOutcome.dense(model);
        }
    }

    /** The head's weight's name in {@code getParameters()}, e.g. {@code 05head_weight}. */
    static String headWeight(ai.djl.nn.Block block) {
        return block.getParameters().keys().stream().filter(k -> k.endsWith("head_weight")).findFirst().orElseThrow();
    }

    @Test
    void aNanLossStopsTheRunNamingTheStepAndKeepingTheLastGoodCheckpoint() throws Exception {
        Path run = dir.resolve("run");
        TrainingDivergedException e;
        try (ImageData data = data()) {
            e = assertThrows(TrainingDivergedException.class, () -> new TrainingRun(recipe(12), data, Device.cpu(), null)
                    .run(new PoisonedAt(7), RunFolder.create(run), new CheckpointPolicy(3, 5)));
        }
        // step 7's update makes the head NaN, so step 8's loss is the first bad one; found at step 9's checkpoint
        assertEquals(8, e.step());
        assertTrue(e.getMessage().startsWith("training diverged: the training loss became NaN or infinite at step 8"
                + " (phase 'train', epoch 1, batch 8); the run stopped at step 9"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint is kept") && e.getMessage().contains("step-000000000006"),
                e.getMessage());
        assertEquals(run.resolve("checkpoints").resolve(CheckpointStore.nameOf(6)), e.lastGoodCheckpoint());
        assertEquals(List.of(3L, 6L), RunCheckpointsTest.steps(run));
        CheckpointStore.in(run).verify(e.lastGoodCheckpoint());
    }

    @Test
    void weightsThatBecomeNanAreNeverCheckpointed() throws Exception {
        Path run = dir.resolve("run");
        TrainingDivergedException e;
        try (ImageData data = data()) {
            e = assertThrows(TrainingDivergedException.class, () -> new TrainingRun(recipe(12), data, Device.cpu(), null)
                    .run(new PoisonedAt(9), RunFolder.create(run), new CheckpointPolicy(3, 5)));
        }
        assertTrue(e.getMessage().contains("head_weight held NaN or infinite values after step 9 though every training"
                + " loss so far was finite"), e.getMessage());
        assertEquals(List.of(3L, 6L), RunCheckpointsTest.steps(run));
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2, s.count(), "no partial folder is left behind");
        }
    }

    @Test
    void withoutCheckpointsDivergenceIsFoundAtTheEpochsEndAtTheLatest() throws Exception {
        TrainingDivergedException e;
        try (ImageData data = data()) {
            e = assertThrows(TrainingDivergedException.class,
                    () -> new TrainingRun(recipe(12), data, Device.cpu(), null).run(new PoisonedAt(4), null));
        }
        assertEquals(5, e.step());
        assertTrue(e.getMessage().contains("at step 5 (phase 'train', epoch 1, batch 5); the run stopped at step 12")
                && e.getMessage().contains("no checkpoint was kept"), e.getMessage());
        assertNull(e.lastGoodCheckpoint());
    }

    @Test
    void aFullDiskStopsTheRunWithOneClearErrorAndTheRunResumesWhenThereIsRoom() throws Exception {
        Path reference = dir.resolve("reference");
        TrainResult full;
        try (ImageData data = data()) {
            full = new TrainingRun(recipe(9), data, Device.cpu(), null)
                    .run(new DenseMethod(), RunFolder.create(reference), new CheckpointPolicy(3, 5));
        }
        Path run = dir.resolve("run");
        long oneCheckpoint = Files.size(reference.resolve("checkpoints/step-000000000003/weights.tensors"))
                + Files.size(reference.resolve("checkpoints/step-000000000003/optimizer.tensors"));
        UncheckedIOException e;
        try (ImageData data = data()) {
            RunFolder folder = RunFolder.create(run);
            e = assertThrows(UncheckedIOException.class, () -> new TrainingRun(recipe(9), data, Device.cpu(), null)
                    .withStorage(new FullDisk(oneCheckpoint + oneCheckpoint / 2))
                    .run(new DenseMethod(), folder, new CheckpointPolicy(3, 5)));
        }
        assertTrue(e.getMessage().startsWith("cannot write the checkpoint after step 6 into " + run.resolve("checkpoints"))
                && e.getMessage().contains("No space left on device")
                && e.getMessage().contains("the last complete checkpoint is " + run.resolve("checkpoints/step-000000000003"))
                && e.getMessage().contains("svite train --resume " + run), e.getMessage());
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of("step-000000000003"), s.map(p -> p.getFileName().toString()).toList());
        }
        TrainResult resumed;
        try (ImageData data = data()) {
            resumed = new TrainingRun(recipe(9), data, Device.cpu(), null)
                    .resume(new DenseMethod(), RunFolder.existing(run), new CheckpointPolicy(3, 5));
        }
        assertEquals(full.epochs().get(0).trainLoss(), resumed.epochs().get(0).trainLoss(), 0);
        assertArrayEquals(Files.readAllBytes(reference.resolve("model/deit-0000.params")),
                Files.readAllBytes(run.resolve("model/deit-0000.params")));
    }
}
