package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;
import io.svite.models.tokens.TokenSelection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

/** The three model features together: token selection survives compaction and a save/load round trip. */
class CompactTokensRoundTripTest {

    @TempDir Path dir;

    @Test
    void aTokenSelectingGatedModelCompactsSavesAndLoadsToTheSameOutputs() throws Exception {
        DeiTConfig config = DeiTConfig.mini().withDepth(2).withTokenSelection(TokenSelection.ratio(0.5));
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT gated = CompactorTest.randomDeiT(config, manager);
            CompactorTest.randomGates(gated, new Random(11));
            NDArray x = manager.randomNormal(CompactorTest.input(config, 3));
            NDArray expected = CompactorTest.forward(gated, manager, x);

            DeiT compact = Compactor.compact(gated, manager);
            assertTrue(compact.config().hasTokenSelection(), "compaction dropped the token selection");
            NDArray compacted = CompactorTest.forward(compact, manager, x);
            assertEquals(0f, compacted.sub(expected).abs().max().getFloat(), 1e-5f);

            DeiTFiles.save(compact, dir);
            assertEquals(compact.config(), DeiTFiles.readConfig(dir));
            try (Model loaded = DeiTFiles.load(dir, Device.cpu())) {
                DeiT back = (DeiT) loaded.getBlock();
                NDArray y = CompactorTest.forward(back, loaded.getNDManager(), x.toDevice(Device.cpu(), true));
                assertEquals(0f, y.sub(expected).abs().max().getFloat(), 1e-5f);
            }
        }
    }
}
