package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.criteria.PruneCriterion;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.select.ParameterSelector;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The pruning engine's state in a run checkpoint: restored exactly, a step-0 event never repeated. */
class SparseTrainingConfigPruningTest {

    @TempDir Path dir;

    private static SparseTrainingConfig oneShot() {
        return SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.5)).build().configure(SparseTrainerPruningTest.dense());
    }

    @Test
    void aResumedOneShotRunTakesItsMasksFromTheCheckpointAndDoesNotPruneAgain() throws Exception {
        try (Model model = Mlp.model()) {
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, SparseTrainerPruningTest.INPUT);
            SparseTrainingConfig first = oneShot();
            assertEquals("sparsity", first.checkpointName());
            Map<String, boolean[]> masks;
            try (Trainer trainer = model.newTrainer(first)) {
                for (int step = 1; step <= 3; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                masks = SparseTrainerPruningTest.masks(first, model, SparseTrainerPruningTest.MLP_WEIGHTS);
                Files.createDirectories(dir.resolve("a"));
                first.writeCheckpoint(dir.resolve("a"));
            }
            // with every weight of the first layer far from 0, a global magnitude ranking keeps all of
            // it and prunes the others harder: pruning again at step 0 would change the masks
            SparseTrainerPruningTest.parameter(model.getBlock(), "01Linear_weight").getArray().addi(100);

            SparseTrainingConfig resumed = oneShot();
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                assertEquals(3, resumed.run().step());
                assertEquals(1, resumed.run().updates(), "the step-0 event is not repeated");
                Map<String, boolean[]> after = SparseTrainerPruningTest.masks(resumed, model, SparseTrainerPruningTest.MLP_WEIGHTS);
                for (String name : SparseTrainerPruningTest.MLP_WEIGHTS) {
                    assertArrayEquals(masks.get(name), after.get(name), name);
                }
                assertEquals(first.run().report(), resumed.run().report());
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(SparseTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(SparseTrainingConfig.STATE_FILE)));

            // the check can fail: a fresh one-shot run on the changed weights prunes differently
            SparseTrainingConfig fresh = oneShot();
            try (Trainer trainer = model.newTrainer(fresh)) {
                Map<String, boolean[]> again = SparseTrainerPruningTest.masks(fresh, model, SparseTrainerPruningTest.MLP_WEIGHTS);
                assertFalse(SparseTrainerPruningTest.MLP_WEIGHTS.stream().allMatch(n -> Arrays.equals(masks.get(n), again.get(n))),
                        "pruning the changed weights again gives other masks");
            }
        }
    }

    @Test
    void gradualScoresAndTheSchedulePositionRoundTripAndForeignStatesAreRefused() throws Exception {
        SparseTrainer taylor = SparseTrainer.builder()
                .pruning(PruningSchedule.cubic().sparsity(0.5).from(0).until(8).events(2).build())
                .prune(PruneCriterion.taylor())
                .pruningScoreWindow(3)
                .build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig first = taylor.configure(SparseTrainerPruningTest.dense());
            try (Trainer trainer = model.newTrainer(first)) {
                trainer.initialize(SparseTrainerPruningTest.INPUT);
                for (int step = 1; step <= 6; step++) { // event at 4; steps 5 and 6 summed for the one at 8
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                assertEquals(1, first.run().updates());
                Files.createDirectories(dir.resolve("a"));
                int arrays = SparseTrainerPruningTest.managed(model);
                first.writeCheckpoint(dir.resolve("a"));
                assertEquals(arrays, SparseTrainerPruningTest.managed(model), "writing a checkpoint leaves no array behind");
            }
            SparseTrainingConfig resumed = taylor.configure(SparseTrainerPruningTest.dense());
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                assertEquals(6, resumed.run().step());
                assertEquals(1, resumed.run().updates());
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(SparseTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(SparseTrainingConfig.STATE_FILE)),
                    "masks, scores summed since the event, step and schedule position, bit for bit");

            // a run that selects other tensors refuses the checkpoint before anything changes
            SparseTrainingConfig other = SparseTrainer.builder().pruning(PruningSchedule.oneShot(0.3))
                    .select(ParameterSelector.weights().except("03Linear_weight")).build()
                    .configure(SparseTrainerPruningTest.dense());
            other.readCheckpoint(dir.resolve("a"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(other));
            assertTrue(e.getMessage().contains("does not match this model"), e.getMessage());
        }
    }
}
