package io.svite.examples.report;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;

import ai.djl.nn.Parameter;

/**
 * Which structured units of a DeiT survive, block by block: the attention heads or the MLP neurons
 * (the paper's Figure A7), read from the model's gates.
 *
 * <p>Row b has one entry per unit of the dense block: entry j is true when unit j is present and
 * its gate is non-zero. Units a compaction removed no longer have a position; they are the false
 * entries after the present ones (and padding neurons, whose gate is 0, count as closed). So the
 * closed entries of a row are always the dense count minus the working units.
 *
 * @param kind {@code heads} or {@code neurons}
 * @param alive {@code alive[block][unit]}
 */
public record UnitMap(String kind, boolean[][] alive) {

    /**
     * The head map of a model.
     *
     * @param deit an initialised DeiT
     * @return blocks × dense heads
     */
    public static UnitMap heads(DeiT deit) {
        DeiTConfig c = deit.config();
        boolean[][] alive = new boolean[c.depth()][];
        for (int b = 0; b < c.depth(); b++) {
            DeiTBlock block = deit.blocks().get(b);
            alive[b] = row(block.attention().headGate(), c.heads());
        }
        return new UnitMap("heads", alive);
    }

    /**
     * The MLP neuron map of a model.
     *
     * @param deit an initialised DeiT
     * @return blocks × dense neurons
     */
    public static UnitMap neurons(DeiT deit) {
        DeiTConfig c = deit.config();
        boolean[][] alive = new boolean[c.depth()][];
        for (int b = 0; b < c.depth(); b++) {
            DeiTBlock block = deit.blocks().get(b);
            alive[b] = row(block.mlp().neuronGate(), c.hidden());
        }
        return new UnitMap("neurons", alive);
    }

    private static boolean[] row(Parameter gate, int denseUnits) {
        float[] g = gate.getArray().toFloatArray();
        boolean[] row = new boolean[Math.max(denseUnits, g.length)];
        for (int j = 0; j < g.length; j++) {
            row[j] = g[j] != 0f;
        }
        return row;
    }

    /**
     * Units that do not work: closed gates and units removed by compaction.
     *
     * @return the number of false entries
     */
    public long closed() {
        long n = 0;
        for (boolean[] row : alive) {
            for (boolean a : row) {
                n += a ? 0 : 1;
            }
        }
        return n;
    }

    /**
     * Units of the widest block row.
     *
     * @return the longest row's length
     */
    public int units() {
        int u = 0;
        for (boolean[] row : alive) {
            u = Math.max(u, row.length);
        }
        return u;
    }
}
