package io.svite.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainerTest;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.report.LayerSparsity;
import io.svite.core.report.SparsityReport;
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

/** Reading a saved mask checkpoint back to the host, for reports. */
class SavedMasksTest {

    @TempDir Path dir;

    @Test
    void readsBackExactlyTheMasksOfTheRunAndItsCounts() throws Exception {
        List<float[]> live = new ArrayList<>();
        SparsityReport report;
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config =
                    SparseTrainer.builder().erdosRenyi(0.7).updateEvery(2).until(100).seed(9).build()
                            .configure(Fixtures.dense(Fixtures.adamW()));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                for (int step = 1; step <= 5; step++) {
                    Mlp.step(trainer, model.getNDManager(), 16, step);
                }
                for (Pair<NDArray, NDArray> wm : SparseTrainerTest.masked(model, config.run()).values()) {
                    live.add(wm.getValue().toFloatArray());
                }
                report = config.run().report();
                config.run().save(dir, "mlp");
            }
        }
        SavedMasks saved = SavedMasks.read(dir.resolve("mlp.masks"));
        assertEquals(5, saved.step());
        assertEquals(9, saved.seed());
        assertEquals(report.layers().size(), saved.tensors().size());
        for (int i = 0; i < report.layers().size(); i++) {
            LayerSparsity l = report.layers().get(i);
            SavedMasks.Tensor t = saved.tensors().get(i);
            assertEquals(l.parameter(), t.parameter());
            assertEquals(l.name(), t.layer());
            assertEquals(l.shape(), t.shape());
            assertEquals(l.nonZeros(), t.active());
            assertEquals(l.size() - l.nonZeros(), t.zeros());
        }
        List<SavedMasks.Tensor> masked = saved.masked();
        assertEquals(live.size(), masked.size());
        assertTrue(!masked.isEmpty());
        for (int i = 0; i < live.size(); i++) {
            boolean[] kept = masked.get(i).kept();
            assertNotNull(kept);
            float[] expected = live.get(i);
            assertEquals(expected.length, kept.length);
            for (int j = 0; j < kept.length; j++) {
                assertEquals(expected[j] != 0f, kept[j], masked.get(i).parameter() + " entry " + j);
            }
        }
    }

    @Test
    void aCorruptOrMissingFileIsRefusedByName() throws Exception {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SavedMasks.read(dir.resolve("absent.masks")));
        assertTrue(e.getMessage().contains("absent.masks") && e.getMessage().contains("does not exist"), e.getMessage());
        Files.writeString(dir.resolve("text.masks"), "not masks");
        e = assertThrows(IllegalArgumentException.class, () -> SavedMasks.read(dir.resolve("text.masks")));
        assertTrue(e.getMessage().contains("not an svite mask checkpoint"), e.getMessage());
    }
}
