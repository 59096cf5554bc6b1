package io.svite.core;

import io.svite.core.testing.Mlp;

import io.svite.core.criteria.PruneCriterion;
import io.svite.core.schedule.PruningSchedule;
import io.svite.core.select.ParameterSelector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
class PruningTrainingConfigTest {

    @TempDir Path dir;

    private static PruningTrainingConfig oneShot() {
        return PruningTrainer.builder().schedule(PruningSchedule.oneShot(0.5)).build().configure(PruningTrainerTest.dense());
    }

    @Test
    void aResumedOneShotRunTakesItsMasksFromTheCheckpointAndDoesNotPruneAgain() throws Exception {
        try (Model model = Mlp.model()) {
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, PruningTrainerTest.INPUT);
            PruningTrainingConfig first = oneShot();
            assertEquals("pruning", first.checkpointName());
            Map<String, boolean[]> masks;
            try (Trainer trainer = model.newTrainer(first)) {
                for (int step = 1; step <= 3; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                masks = PruningTrainerTest.masks(first, model, PruningTrainerTest.MLP_WEIGHTS);
                Files.createDirectories(dir.resolve("a"));
                first.writeCheckpoint(dir.resolve("a"));
            }
            // with every weight of the first layer far from 0, a global magnitude ranking keeps all of
            // it and prunes the others harder: pruning again at step 0 would change the masks
            PruningTrainerTest.parameter(model.getBlock(), "01Linear_weight").getArray().addi(100);

            PruningTrainingConfig resumed = oneShot();
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                assertEquals(3, resumed.run().step());
                assertEquals(1, resumed.run().events(), "the step-0 event is not repeated");
                Map<String, boolean[]> after = PruningTrainerTest.masks(resumed, model, PruningTrainerTest.MLP_WEIGHTS);
                for (String name : PruningTrainerTest.MLP_WEIGHTS) {
                    assertArrayEquals(masks.get(name), after.get(name), name);
                }
                assertEquals(first.run().report(), resumed.run().report());
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(PruningTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(PruningTrainingConfig.STATE_FILE)));

            // the check can fail: a fresh one-shot run on the changed weights prunes differently
            PruningTrainingConfig fresh = oneShot();
            try (Trainer trainer = model.newTrainer(fresh)) {
                Map<String, boolean[]> again = PruningTrainerTest.masks(fresh, model, PruningTrainerTest.MLP_WEIGHTS);
                assertFalse(PruningTrainerTest.MLP_WEIGHTS.stream().allMatch(n -> Arrays.equals(masks.get(n), again.get(n))),
                        "pruning the changed weights again gives other masks");
            }
        }
    }

    @Test
    void gradualScoresAndTheSchedulePositionRoundTripAndForeignStatesAreRefused() throws Exception {
        PruningTrainer taylor = PruningTrainer.builder()
                .schedule(PruningSchedule.cubic().sparsity(0.5).from(0).until(8).events(2).build())
                .criterion(PruneCriterion.taylor())
                .scoreWindow(3)
                .build();
        try (Model model = Mlp.model()) {
            PruningTrainingConfig first = taylor.configure(PruningTrainerTest.dense());
            try (Trainer trainer = model.newTrainer(first)) {
                trainer.initialize(PruningTrainerTest.INPUT);
                for (int step = 1; step <= 6; step++) { // event at 4; steps 5 and 6 summed for the one at 8
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                assertEquals(1, first.run().events());
                Files.createDirectories(dir.resolve("a"));
                int arrays = PruningTrainerTest.managed(model);
                first.writeCheckpoint(dir.resolve("a"));
                assertEquals(arrays, PruningTrainerTest.managed(model), "writing a checkpoint leaves no array behind");
            }
            PruningTrainingConfig resumed = taylor.configure(PruningTrainerTest.dense());
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                assertEquals(6, resumed.run().step());
                assertEquals(1, resumed.run().events());
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(PruningTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(PruningTrainingConfig.STATE_FILE)),
                    "masks, scores summed since the event, step and schedule position, bit for bit");

            // a run that selects other tensors refuses the checkpoint before anything changes
            PruningTrainingConfig other = PruningTrainer.builder().schedule(PruningSchedule.oneShot(0.3))
                    .select(ParameterSelector.weights().except("03Linear_weight")).build()
                    .configure(PruningTrainerTest.dense());
            other.readCheckpoint(dir.resolve("a"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(other));
            assertTrue(e.getMessage().contains("does not match this model"), e.getMessage());
        }
    }
}
