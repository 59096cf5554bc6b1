package io.svite.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.policy.PolicyProbe;
import io.svite.core.testing.GatedNet;
import io.svite.core.testing.Mlp;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The structured engine's state in a run checkpoint: written, staged, restored exactly, refused when foreign. */
class SparseTrainingConfigUnitsTest {

    @TempDir Path dir;

    /** Updates every 4 steps with a window of 3 batches: steps 2–4 sum Taylor scores for the first update. */
    private static SparseTrainer.Builder recipe() {
        return SparseTrainerUnitsTest.recipe(4).scoreWindow(3);
    }

    private static SparseTrainingConfig configure(SparseTrainer recipe) {
        return recipe.configure(SparseTrainerUnitsTest.config(SparseTrainerUnitsTest.optimizer("project-adamw")));
    }

    /** Trains {@code steps} steps of a fresh config on the model and checkpoints it into {@code into}. */
    private static SparseTrainingConfig trainAndCheckpoint(Model model, SparseTrainer recipe, int steps, Path into)
            throws Exception {
        SparseTrainingConfig config = configure(recipe);
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(GatedNet.INPUT);
            for (int step = 1; step <= steps; step++) {
                Mlp.step(trainer, model.getNDManager(), 16, step);
            }
            Files.createDirectories(into);
            int arrays = SparseTrainerPruningTest.managed(model);
            config.writeCheckpoint(into);
            assertEquals(arrays, SparseTrainerPruningTest.managed(model), "writing a checkpoint leaves no array behind");
        }
        return config;
    }

    @Test
    void aCheckpointInsideTheScoreWindowRestoresEveryCounterAndArrayExactly() throws Exception {
        Engine.getInstance().setRandomSeed(5);
        try (Model model = GatedNet.model()) {
            // 6 steps: one update at step 4, then step 6 is inside the window of the update at step 8
            SparseTrainingConfig first = trainAndCheckpoint(model, recipe().build(), 6, dir.resolve("a"));
            assertEquals(1, first.run().updates());
            assertEquals(1, PolicyProbe.windowBatches(first.run(), "mix_heads"), "step 6 summed");

            SparseTrainingConfig resumed = configure(recipe().build());
            assertEquals("sparsity", resumed.checkpointName());
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                trainer.initialize(GatedNet.INPUT);
                assertEquals(6, resumed.run().step());
                assertEquals(1, resumed.run().updates());
                assertEquals(1, PolicyProbe.windowBatches(resumed.run(), "mix_heads"));
                assertEquals(first.run().units(), resumed.run().units(), "initial, ever-active and grown counts");
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            // everything the engine keeps, the Taylor sum's bits included, is written back unchanged
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(SparseTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(SparseTrainingConfig.STATE_FILE)));
        }
    }

    @Test
    void aCheckpointOfAnotherBudgetOrWithoutTheSviteStateItNeedsIsRefused() throws Exception {
        try (Model model = GatedNet.model()) {
            trainAndCheckpoint(model, recipe().build(), 2, dir.resolve("half"));

            SparseTrainingConfig other = configure(recipe().keep(GatedNet.HEADS, 0.75).build());
            other.readCheckpoint(dir.resolve("half"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(other));
            assertTrue(e.getMessage().contains("does not match this model and budget")
                    && e.getMessage().contains("another budget"), e.getMessage());

            SparseTrainingConfig combined = configure(recipe().uniform(0.5).build());
            e = assertThrows(IllegalArgumentException.class, () -> combined.readCheckpoint(dir.resolve("half")));
            assertTrue(e.getMessage().contains("written by a recipe of [s2vite], but this recipe has [svite, s2vite]"),
                    e.getMessage());
        }
        try (Model model = GatedNet.model()) {
            trainAndCheckpoint(model, recipe().uniform(0.5).build(), 2, dir.resolve("combined"));
            assertTrue(Files.isRegularFile(dir.resolve("combined").resolve(SparseTrainingConfig.STATE_FILE)),
                    "one state file holds both parts");
            SparseTrainingConfig plain = configure(recipe().build());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> plain.readCheckpoint(dir.resolve("combined")));
            assertTrue(e.getMessage().contains("written by a recipe of [svite, s2vite], but this recipe has [s2vite]"),
                    e.getMessage());
        }
    }

    @Test
    void stagingAfterTrainingBeganIsRefused() throws Exception {
        try (Model model = GatedNet.model()) {
            trainAndCheckpoint(model, recipe().build(), 1, dir.resolve("a"));
            SparseTrainingConfig config = configure(recipe().build());
            try (Trainer trainer = model.newTrainer(config)) {
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> config.readCheckpoint(dir.resolve("a")));
                assertTrue(e.getMessage().contains("before the trainer is created"), e.getMessage());
            }
        }
    }
}
