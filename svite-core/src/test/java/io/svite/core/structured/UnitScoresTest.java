package io.svite.core.structured;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import java.util.List;

class UnitScoresTest {

    private static Parameter param(String name, Parameter.Type type, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(type).build();
        p.setArray(value);
        return p;
    }

    /** Two units: fc1 (2, 3) rows and bias, fc2 (4, 2) columns, a gate of 2. */
    private static UnitGroup group(NDManager m) {
        Parameter fc1 = param("fc1", Parameter.Type.WEIGHT, m.create(new float[] {1, -2, 3, 0.5f, 0.5f, -0.5f}, new Shape(2, 3)));
        Parameter bias = param("b", Parameter.Type.BIAS, m.create(new float[] {100, 100}));
        Parameter fc2 = param("fc2", Parameter.Type.WEIGHT, m.create(new float[] {1, 10, -1, 10, 1, 10, -1, 10}, new Shape(4, 2)));
        Parameter gate = param("gate", Parameter.Type.OTHER, m.ones(new Shape(2)));
        return new UnitGroup("g", UnitFamily.of("neurons"), gate, 2, List.of(UnitSlice.of(fc1, 0), UnitSlice.of(bias, 0)),
                List.of(UnitSlice.of(fc2, 1)));
    }

    @Test
    void weightL1SumsEachUnitsRowsAndColumnsWithoutBiases() {
        try (NDManager m = NDManager.newBaseManager()) {
            UnitGroup g = group(m);
            // unit 0: |1|+|-2|+|3| + 4·|±1| = 10; unit 1: 1.5 + 4·10 = 41.5
            assertArrayEquals(new float[] {10f, 41.5f}, UnitScores.weightL1(g, m.newSubManager()).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gateTaylorIsTheAbsoluteGateGradientAndResetsIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            UnitGroup g = group(m);
            NDArray gate = g.gate().getArray();
            gate.setRequiresGradient(true);
            NDArray x = m.create(new float[] {2, -3});
            for (int pass = 0; pass < 2; pass++) {
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(x.mul(gate).sum()); // dL/dg = x
                }
                assertArrayEquals(new float[] {2, 3}, UnitScores.gateTaylor(g, m.newSubManager()).toFloatArray(), 1e-6f,
                        "pass " + pass + " sees its own gradient only");
            }
        }
    }

    @Test
    void keepsTheHighestScoresTiesToTheLowerIndexAndSetsTheGate() {
        assertEquals(List.of(1, 3), UnitScores.keep(new float[] {0.1f, 5f, 2f, 7f}, 2));
        assertEquals(List.of(0, 2), UnitScores.keep(new float[] {1f, 0f, 1f, 1f}, 2));
        assertThrows(IllegalArgumentException.class, () -> UnitScores.keep(new float[] {1f}, 0));
        assertThrows(IllegalArgumentException.class, () -> UnitScores.keep(new float[] {Float.NaN, 1f}, 1));
        try (NDManager m = NDManager.newBaseManager()) {
            UnitGroup g = group(m);
            UnitScores.setGate(g, List.of(1));
            assertArrayEquals(new float[] {0f, 1f}, g.gate().getArray().toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> UnitScores.setGate(g, List.of(2)));
        }
    }
}
