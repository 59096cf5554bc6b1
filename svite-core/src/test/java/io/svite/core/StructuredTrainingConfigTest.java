package io.svite.core;

import io.svite.core.testing.Mlp;
import io.svite.core.testing.GatedNet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The structured engine's state in a run checkpoint: written, staged, restored exactly, refused when foreign. */
class StructuredTrainingConfigTest {

    @TempDir Path dir;

    /** Updates every 4 steps with a window of 3 batches: steps 2–4 sum Taylor scores for the first update. */
    private static StructuredTrainer.Builder recipe() {
        return StructuredTrainerTest.recipe(4).scoreWindow(3);
    }

    private static StructuredTrainingConfig configure(StructuredTrainer recipe) {
        return recipe.configure(StructuredTrainerTest.config(StructuredTrainerTest.optimizer("project-adamw")));
    }

    /** Trains {@code steps} steps of a fresh config on the model and checkpoints it into {@code into}. */
    private static StructuredTrainingConfig trainAndCheckpoint(Model model, StructuredTrainer recipe, int steps, Path into)
            throws Exception {
        StructuredTrainingConfig config = configure(recipe);
        try (Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(GatedNet.INPUT);
            for (int step = 1; step <= steps; step++) {
                Mlp.step(trainer, model.getNDManager(), 16, step);
            }
            Files.createDirectories(into);
            int arrays = PruningTrainerTest.managed(model);
            config.writeCheckpoint(into);
            assertEquals(arrays, PruningTrainerTest.managed(model), "writing a checkpoint leaves no array behind");
        }
        return config;
    }

    @Test
    void aCheckpointInsideTheScoreWindowRestoresEveryCounterAndArrayExactly() throws Exception {
        Engine.getInstance().setRandomSeed(5);
        try (Model model = GatedNet.model()) {
            // 6 steps: one update at step 4, then step 6 is inside the window of the update at step 8
            StructuredTrainingConfig first = trainAndCheckpoint(model, recipe().build(), 6, dir.resolve("a"));
            UnitGroupState before = first.run().state.group("mix_heads");
            assertEquals(1, first.run().updates());
            assertEquals(1, before.windowBatches(), "step 6 summed");

            StructuredTrainingConfig resumed = configure(recipe().build());
            assertEquals("s2vite", resumed.checkpointName());
            resumed.readCheckpoint(dir.resolve("a"));
            try (Trainer trainer = model.newTrainer(resumed)) {
                trainer.initialize(GatedNet.INPUT);
                assertEquals(6, resumed.run().step());
                assertEquals(1, resumed.run().updates());
                UnitGroupState after = resumed.run().state.group("mix_heads");
                assertEquals(1, after.windowBatches());
                assertEquals(first.run().report(), resumed.run().report(), "initial, ever-active and grown counts");
                Files.createDirectories(dir.resolve("b"));
                resumed.writeCheckpoint(dir.resolve("b"));
            }
            // everything the engine keeps, the Taylor sum's bits included, is written back unchanged
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(StructuredTrainingConfig.STATE_FILE)),
                    Files.readAllBytes(dir.resolve("b").resolve(StructuredTrainingConfig.STATE_FILE)));
        }
    }

    @Test
    void aCheckpointOfAnotherBudgetOrWithoutTheSviteStateItNeedsIsRefused() throws Exception {
        try (Model model = GatedNet.model()) {
            trainAndCheckpoint(model, recipe().build(), 2, dir.resolve("half"));

            StructuredTrainingConfig other = configure(recipe().keep(GatedNet.HEADS, 0.75).build());
            other.readCheckpoint(dir.resolve("half"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.newTrainer(other));
            assertTrue(e.getMessage().contains("does not match this model and budget")
                    && e.getMessage().contains("another budget"), e.getMessage());

            SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(4).until(100).seed(1).build();
            StructuredTrainingConfig combined = configure(recipe().unstructured(sparse).build());
            e = assertThrows(IllegalArgumentException.class, () -> combined.readCheckpoint(dir.resolve("half")));
            assertTrue(e.getMessage().contains("has no state 'svite'"), e.getMessage());
        }
        try (Model model = GatedNet.model()) {
            SparseTrainer sparse = SparseTrainer.builder().uniform(0.5).updateEvery(4).until(100).seed(1).build();
            trainAndCheckpoint(model, recipe().unstructured(sparse).build(), 2, dir.resolve("combined"));
            assertTrue(Files.isRegularFile(dir.resolve("combined").resolve("svite").resolve("sparse.masks")),
                    "SViTE's masks in a sub-folder of its name");
            StructuredTrainingConfig plain = configure(recipe().build());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> plain.readCheckpoint(dir.resolve("combined")));
            assertTrue(e.getMessage().contains("holds the inner state svite"), e.getMessage());
        }
    }

    @Test
    void stagingAfterTrainingBeganIsRefused() throws Exception {
        try (Model model = GatedNet.model()) {
            trainAndCheckpoint(model, recipe().build(), 1, dir.resolve("a"));
            StructuredTrainingConfig config = configure(recipe().build());
            try (Trainer trainer = model.newTrainer(config)) {
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> config.readCheckpoint(dir.resolve("a")));
                assertTrue(e.getMessage().contains("before the trainer is created"), e.getMessage());
            }
        }
    }
}
