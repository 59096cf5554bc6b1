package io.svite.models.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.checkpoint.SavedMasks;
import io.svite.core.data.ImageData;
import io.svite.core.data.SyntheticImages;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.models.run.RunFolder;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

class SviteMethodTest {

    @TempDir Path dir;

    @Test
    void theRunFolderKeepsTheInitialMasksNextToTheFinalOnes() throws Exception {
        TrainRecipe recipe = new TrainRecipe("deit-mini", "synthetic", null, 1, 8, 3, 1e-3, 1e-5, 0.05, 0, 0.1, -1, 3, null);
        SviteRecipe svite = new SviteRecipe(SparsityDistribution.erdosRenyiKernel(0.5), 1, 3, 0.5, Decay.constant(), 3);
        TrainResult result;
        try (ImageData data = SyntheticImages.create(10, 64, 16, 28, 3)) {
            result = new TrainingRun(recipe, data, Engine.getInstance().defaultDevice(), null)
                    .run(new SviteMethod(svite), RunFolder.create(dir));
        }
        SavedMasks initial = SavedMasks.read(dir.resolve("svite-init.masks"));
        SavedMasks last = SavedMasks.read(dir.resolve("svite.masks"));
        assertEquals(0, initial.step(), "saved before the first step");
        assertEquals(3, last.step());
        assertEquals(2, result.sparsity().updates(), "updates at steps 1 and 2");
        assertEquals(last.tensors().size(), initial.tensors().size());
        int moved = 0;
        List<SavedMasks.Tensor> a = initial.masked();
        List<SavedMasks.Tensor> b = last.masked();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).parameter(), a.get(i).parameter());
            assertEquals(b.get(i).active(), a.get(i).active(), "prune-and-grow keeps every layer's count");
            moved += Arrays.equals(a.get(i).kept(), b.get(i).kept()) ? 0 : 1;
        }
        assertEquals(a.size(), moved, "every masked layer changed after two updates, so the first file is not the last");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        assertTrue(a.size() > 20);
    }
}
