package io.svite.core.policy;

import io.svite.core.structured.UnitGroup;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * A unit group's initial active set: a seeded draw when its gate is all ones, the gate itself when
 * it already holds the budget's count of ones and zeros (a model that continues structured
 * training); written into the gate.
 */
final class StartingSets {

    private static final Logger logger = LoggerFactory.getLogger(UnitSwaps.class);

    private StartingSets() {}

    /**
     * The starting set of one group, written into its gate.
     *
     * @param g the group
     * @param gate the gate's array (read once, when binding)
     * @param active the budget's count
     * @param seed the recipe's unit seed
     * @param manager a manager under which temporaries are made
     * @return the 0/1 set
     * @throws IllegalArgumentException for gates that are neither all ones nor the budget's counts
     */
    static float[] of(UnitGroup g, NDArray gate, int active, long seed, NDManager manager) {
        float[] values = gate.toFloatArray();
        int ones = 0;
        boolean zeroOne = true;
        for (float v : values) {
            if (v == 1f) {
                ones++;
            } else if (v != 0f) {
                zeroOne = false;
            }
        }
        if (zeroOne && ones == values.length) {
            if (active == values.length) {
                return values;
            }
            float[] drawn = InitialMasks.draw(seed, g.name(), values.length, active);
            try (NDManager tmp = manager.newSubManager(gate.getDevice())) {
                gate.muli(tmp.create(drawn, gate.getShape()).toType(gate.getDataType(), false));
            }
            return drawn;
        }
        if (zeroOne && ones == active) {
            logger.info("unit group {} continues from the model's gates ({} of {} active)", g.name(), ones, values.length);
            return values;
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unit group %s: the gate %s %s, but the budget keeps %d of %d units; a structured run starts"
                                + " from a dense model (every gate 1) or from 0/1 gates with the budget's counts",
                        g.name(),
                        g.gate().getName(),
                        zeroOne ? "has " + ones + " units switched on" : "holds values other than 0 and 1",
                        active,
                        values.length));
    }
}
