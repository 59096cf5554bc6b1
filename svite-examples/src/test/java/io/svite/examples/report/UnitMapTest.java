package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import io.svite.models.compact.Compactor;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import org.junit.jupiter.api.Test;

/** Unit maps read from gates, and from a compacted model that has lost units. */
class UnitMapTest {

    static DeiT mini(NDManager manager) {
        DeiTConfig config = DeiTConfig.mini().withDepth(2);
        DeiT deit = DeiT.of(config);
        deit.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        return deit;
    }

    static void close(Parameter gate, int... units) {
        NDArray g = gate.getArray();
        for (int u : units) {
            g.set(new NDIndex(u), 0f);
        }
    }

    @Test
    void closedGatesAreFalseAtTheirPositions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = mini(manager);
            assertEquals(0, UnitMap.heads(deit).closed());
            close(deit.blocks().get(1).attention().headGate(), 2);
            close(deit.blocks().get(0).mlp().neuronGate(), 0, 383);
            UnitMap heads = UnitMap.heads(deit);
            assertArrayEquals(new boolean[] {true, true, true}, heads.alive()[0]);
            assertArrayEquals(new boolean[] {true, true, false}, heads.alive()[1]);
            assertEquals(1, heads.closed());
            UnitMap neurons = UnitMap.neurons(deit);
            assertEquals(384, neurons.units());
            assertEquals(2, neurons.closed());
            assertEquals(false, neurons.alive()[0][383]);
        }
    }

    @Test
    void aCompactedModelsRowsKeepTheDenseLengthWithTheRemovedUnitsClosed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT deit = mini(manager);
            close(deit.blocks().get(0).attention().headGate(), 0);
            close(deit.blocks().get(1).mlp().neuronGate(), 10, 11, 12);
            DeiT compact = Compactor.compact(deit, manager, 8); // 381 neurons padded to 384 with closed gates
            UnitMap heads = UnitMap.heads(compact);
            assertEquals(3, heads.alive()[0].length);
            assertArrayEquals(new boolean[] {true, true, false}, heads.alive()[0], "the removed head is drawn last");
            assertEquals(1, heads.closed());
            UnitMap neurons = UnitMap.neurons(compact);
            assertEquals(384, neurons.alive()[1].length);
            assertEquals(3, neurons.closed(), "dense count minus working neurons, padding included");
        }
    }
}
