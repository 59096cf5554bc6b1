package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.svite.models.compact.Compactor;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;

import java.util.Map;

class LayerDensitiesTest {

    /** A two-block deit-mini, initialised (the same model the report's unit map tests draw). */
    static DeiT mini(NDManager manager) {
        DeiTConfig config = DeiTConfig.mini().withDepth(2);
        DeiT deit = DeiT.of(config);
        deit.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        return deit;
    }

    /** Sets some units' gates to 0. */
    static void close(Parameter gate, int... units) {
        NDArray g = gate.getArray();
        for (int u : units) {
            g.set(new NDIndex(u), 0f);
        }
    }

    @Test
    void aDenseModelIsDenseEverywhereWithTheCostModelsLayerNames() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = mini(manager);
            Map<String, Double> d = LayerDensities.of(deit);
            assertEquals(CostModel.of(deit.config()).weightLayerNames(), d.keySet().stream().toList());
            d.values().forEach(v -> assertEquals(1.0, v, 0.0));
        }
    }

    @Test
    void zerosClosedUnitsAndCompactionLowerTheDensity() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = mini(manager);
            close(deit.blocks().get(0).attention().headGate(), 1);
            close(deit.blocks().get(1).mlp().neuronGate(), 0, 1, 2, 3);
            NDArray fc2 = deit.blocks().get(0).mlp().fc2().getParameters().get("weight").getArray();
            fc2.set(new NDIndex("0:2, 0:10"), 0f); // 20 of D × M weights
            long fc2Size = fc2.size();
            assertEquals((long) deit.config().width() * deit.config().hidden(), fc2Size);
            Map<String, Double> d = LayerDensities.of(deit);
            assertEquals(2.0 / 3, d.get("block0_attn_qkv"), 1e-12, "q, k and v rows of one of three heads");
            assertEquals(2.0 / 3, d.get("block0_attn_proj"), 1e-12);
            assertEquals(1.0, d.get("block1_attn_qkv"), 0.0);
            assertEquals(380.0 / 384, d.get("block1_mlp_fc1"), 1e-12);
            assertEquals(380.0 / 384, d.get("block1_mlp_fc2"), 1e-12);
            assertEquals(1 - 20.0 / fc2Size, d.get("block0_mlp_fc2"), 1e-12);

            // the compacted model has lost exactly the closed units: same working weights, same densities
            fc2.set(new NDIndex("0:2, 0:10"), 1f);
            DeiT compact = Compactor.compact(deit, manager, 1);
            Map<String, Double> c = LayerDensities.of(compact);
            assertEquals(2.0 / 3, c.get("block0_attn_qkv"), 1e-12);
            assertEquals(380.0 / 384, c.get("block1_mlp_fc2"), 1e-12);
            assertEquals(1.0, c.get("block0_mlp_fc2"), 0.0);
        }
    }
}
