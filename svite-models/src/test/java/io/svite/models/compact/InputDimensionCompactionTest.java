package io.svite.models.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import io.svite.models.compact.SoftGates.InputGates;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** VTP's input-dimension gates: soft values fold into qkv/fc1 columns, compaction drops the zero ones exactly. */
class InputDimensionCompactionTest {

    private static final DeiTConfig GATED = SoftGatesTest.SIX_HEADS.withInputGates(true);

    @TempDir Path dir;

    private static float[] soft(int n, Random random, double zeroFraction) {
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = random.nextDouble() < zeroFraction ? 0f : (float) (0.2 + random.nextDouble());
        }
        v[random.nextInt(n)] = 0.9f;
        return v;
    }

    @Test
    void droppingGatedOffInputDimensionsIsExactAndCostedAndSavesAndLoads() throws Exception {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(GATED, root);
            Random random = new Random(5);
            CompactorTest.randomGates(deit, random);
            List<InputGates> inputs = new ArrayList<>();
            for (int i = 0; i < GATED.depth(); i++) {
                inputs.add(new InputGates(soft(48, random, 0.4), soft(48, random, 0.6)));
            }
            SoftGates.writeInputs(deit, inputs);
            NDArray x = root.randomNormal(CompactorTest.input(GATED, 2));
            NDArray masked = CompactorTest.forward(deit, root, x);

            SoftGates.fold(deit);
            DeiT compact = Compactor.compact(deit, root);
            float diff = CompactorTest.forward(compact, root, x).sub(masked).abs().max().getFloat();
            assertTrue(diff <= 1e-5f, "compacted output differs from the input-gated model's by " + diff);

            for (int i = 0; i < GATED.depth(); i++) {
                BlockShape b = compact.config().blocks().get(i);
                assertEquals(nonZero(inputs.get(i).attn()), b.attnInputs().size());
                assertEquals(nonZero(inputs.get(i).mlp()), b.mlpInputs().size());
                Parameter qkv = compact.blocks().get(i).attention().qkv().getParameters().get("weight");
                assertEquals(b.attnInputs().size(), qkv.getArray().getShape().get(1), "qkv reads only the kept dimensions");
            }
            assertEquals(CostModel.of(compact.config()).estimate().params(), CompactorTest.parametersWithoutGates(compact));
            assertTrue(CostModel.of(compact.config()).estimate().params() < CostModel.of(GATED).dense().params());

            Path saved = dir.resolve("vtp");
            DeiTFiles.save(compact, saved);
            assertEquals(compact.config(), DeiTFiles.readConfig(saved));
            try (Model loaded = DeiTFiles.load(saved, Device.cpu())) {
                NDArray again = CompactorTest.forward((DeiT) loaded.getBlock(), root, x);
                assertTrue(again.sub(masked).abs().max().getFloat() <= 1e-5f, "the loaded model computes the same");
            }
        }
    }

    @Test
    void refusesABlockWithoutAnyInputDimensionAndAnIndexOutsideTheWidth() {
        try (NDManager root = NDManager.newBaseManager()) {
            DeiT deit = CompactorTest.randomDeiT(GATED, root);
            List<InputGates> inputs = new ArrayList<>();
            for (int i = 0; i < GATED.depth(); i++) {
                inputs.add(new InputGates(new float[48], i == 1 ? new float[48] : soft(48, new Random(i), 0)));
            }
            inputs.get(1).attn()[3] = 1f;
            SoftGates.writeInputs(deit, inputs);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compactor.compact(deit, root));
            assertTrue(e.getMessage().startsWith("block 0 has every input dimension"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GATED.withBlocks(java.util.Collections.nCopies(4, new BlockShape(6, 96, List.of(0, 48), null))));
        assertEquals("a block reads dimension 48 but the width is 48", e.getMessage());
    }

    private static int nonZero(float[] v) {
        int n = 0;
        for (float f : v) {
            n += f != 0f ? 1 : 0;
        }
        return n;
    }
}
