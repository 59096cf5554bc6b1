package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.select.ParameterSelector;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Saving the masks next to a model and resuming SViTE where it stopped. */
class SparseRunTest {

    @TempDir Path dir;

    private static SparseTrainer recipe(double sparsity) {
        return SparseTrainer.builder().uniform(sparsity).updateEvery(3).until(100).seed(4).build();
    }

    private static List<float[]> masks(Model model, SparseRun run) {
        List<float[]> out = new ArrayList<>();
        for (Pair<NDArray, NDArray> wm : SparseTrainerTest.masked(model, run).values()) {
            out.add(wm.getValue().toFloatArray());
        }
        return out;
    }

    /** Trains 7 steps (updates at 3 and 6) and saves model and masks as "mlp". */
    private List<float[]> trainAndSave() throws Exception {
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                for (int step = 1; step <= 7; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                assertEquals(2, config.run().updates());
                model.save(dir, "mlp");
                Path file = config.run().save(dir, "mlp");
                assertEquals(dir.resolve("mlp.masks"), file);
                return masks(model, config.run());
            }
        }
    }

    @Test
    void aResumedRunHasTheSavedMasksAndContinuesTheSchedule() throws Exception {
        List<float[]> saved = trainAndSave();
        try (Model model = Mlp.model()) {
            model.load(dir, "mlp");
            SparseTrainingConfig config = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW()));
            config.run().resumeFrom(dir, "mlp");
            try (Trainer trainer = model.newTrainer(config)) {
                assertTrue(config.run().isBound());
                assertEquals(7, config.run().step());
                List<float[]> restored = masks(model, config.run());
                for (int i = 0; i < saved.size(); i++) {
                    assertArrayEquals(saved.get(i), restored.get(i));
                }
                assertThrows(IllegalStateException.class, () -> config.run().resumeFrom(dir, "mlp"));
                assertEquals(2, config.run().updates(), "the updates before the checkpoint count");
                Mlp.step(trainer, model.getNDManager(), 16, 8);
                assertEquals(2, config.run().updates());
                Mlp.step(trainer, model.getNDManager(), 16, 9);
                assertEquals(3, config.run().updates(), "step 9 is the schedule's next update");
                assertEquals(9, config.run().step());
                assertEquals(0.6, config.run().report().sparsity(), 1e-3);
            }
        }
    }

    @Test
    void aCorruptTruncatedForeignOrMissingFileIsRefusedByName() throws Exception {
        trainAndSave();
        Path file = dir.resolve("mlp.masks");
        byte[] good = Files.readAllBytes(file);
        SparseRun run = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW())).run();

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        Files.write(dir.resolve("flipped.masks"), flipped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.resumeFrom(dir, "flipped"));
        assertTrue(e.getMessage().contains("flipped.masks") && e.getMessage().contains("corrupt"), e.getMessage());

        Files.write(dir.resolve("short.masks"), java.util.Arrays.copyOf(good, good.length - 100));
        e = assertThrows(IllegalArgumentException.class, () -> run.resumeFrom(dir, "short"));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

        Files.writeString(dir.resolve("text.masks"), "just some text, not masks at all");
        e = assertThrows(IllegalArgumentException.class, () -> run.resumeFrom(dir, "text"));
        assertTrue(e.getMessage().contains("not an svite mask checkpoint"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> run.resumeFrom(dir, "absent"));
        assertTrue(e.getMessage().contains("absent.masks") && e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(run.isBound());
    }

    @Test
    void aCheckpointFromAnotherRecipeOrModelDoesNotLoad() throws Exception {
        trainAndSave();
        try (Model model = Mlp.model()) {
            model.load(dir, "mlp");
            SparseTrainingConfig config = recipe(0.5).configure(Fixtures.dense(Fixtures.adamW()));
            config.run().resumeFrom(dir, "mlp");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(config));
            assertTrue(e.getMessage().contains("does not match") && e.getMessage().contains("active entries"), e.getMessage());
        }
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config =
                    SparseTrainer.builder().uniform(0.6).updateEvery(3).until(100).seed(4)
                            .select(ParameterSelector.weights().except("05Linear")).build()
                            .configure(Fixtures.dense(Fixtures.adamW()));
            config.run().resumeFrom(dir, "mlp");
            try (Trainer trainer = model.newTrainer(config)) {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> trainer.initialize(Fixtures.INPUT));
                assertTrue(e.getMessage().contains("05Linear"), e.getMessage());
            }
        }
    }

    @Test
    void theTrainingConfigCheckpointsItsRunAsACheckpointable() throws Exception {
        List<float[]> saved;
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW()));
            assertEquals("sparsity", config.checkpointName());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                for (int step = 1; step <= 4; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                config.writeCheckpoint(state);
                saved = masks(model, config.run());
            }
        }
        assertTrue(Files.size(state.resolve(SparseTrainingConfig.STATE_FILE)) > 0);
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW()));
            config.readCheckpoint(state);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                assertEquals(4, config.run().step());
                assertEquals(1, config.run().updates());
                List<float[]> restored = masks(model, config.run());
                for (int i = 0; i < saved.size(); i++) {
                    assertArrayEquals(saved.get(i), restored.get(i));
                }
            }
        }
    }

    @Test
    void savingBeforeTrainingIsAClearError() {
        SparseRun run = recipe(0.6).configure(Fixtures.dense(Fixtures.adamW())).run();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.save(dir, "x"));
        assertTrue(e.getMessage().contains("no training has started"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.masks")));
    }
}
