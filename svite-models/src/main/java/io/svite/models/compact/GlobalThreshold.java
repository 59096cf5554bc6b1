package io.svite.models.compact;

import io.svite.models.compact.SoftGates.BlockGates;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiTConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Chooses one threshold τ over all soft head and neuron gates of a DeiT (and, optionally, its patch
 * gate) so that the model keeping the gates with |g| &gt; τ meets a budget in parameters or MACs, as
 * ViT-Slim does.
 *
 * <p>Every block keeps at least its one head and one neuron of largest |g| (a compacted block needs
 * them), and the model at least its patch of largest |g|. A dropped patch position shortens the
 * sequence of every block (k + 1 tokens) and removes its position-embedding row, so with a MAC
 * budget the one threshold trades tokens against heads and neurons. The kept model's cost, counted by {@link CostModel} on its compacted architecture, never
 * grows as τ grows; the chosen τ is the smallest candidate (0 or a gate's |g|) whose cost is at most
 * budget × the dense model's cost, so keeping any more units at a single threshold would exceed
 * the budget.
 */
public final class GlobalThreshold {

    /** What a budget counts. */
    public enum Measure {
        /** Parameters (weights and biases, gates excluded). */
        PARAMS,
        /** Multiply-accumulates for one image. */
        MACS;

        /**
         * This measure of a cost report.
         *
         * @param report the report
         * @return its parameters or MACs
         */
        public double of(CostReport report) {
            return this == PARAMS ? report.params() : report.macs();
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The chosen threshold and what it keeps.
     *
     * @param threshold τ; gates with |g| &gt; τ are kept (and the forced one per block)
     * @param masked the gate values after the threshold: kept entries unchanged, the rest 0
     * @param config the compacted architecture of the kept units
     * @param cost its cost
     * @param target budget × the dense cost
     * @param maskedPatches the patch gate values after the threshold (kept unchanged, the rest 0), or
     *     null when patches were not searched
     */
    public record Choice(
            double threshold,
            List<BlockGates> masked,
            DeiTConfig config,
            CostReport cost,
            double target,
            float[] maskedPatches) {}

    private GlobalThreshold() {}

    /**
     * Chooses τ for a budget.
     *
     * @param dense the architecture the gates belong to (every block with its gated sizes)
     * @param gates the soft gate values, one entry per block
     * @param measure what the budget counts
     * @param budget the kept fraction of the dense model's cost, in (0, 1]
     * @return the choice
     * @throws IllegalArgumentException if the budget is outside (0, 1] or below the smallest model a
     *     threshold can reach (one head and one neuron per block)
     */
    public static Choice choose(DeiTConfig dense, List<BlockGates> gates, Measure measure, double budget) {
        return choose(dense, gates, null, measure, budget);
    }

    /**
     * Chooses τ for a budget over head, neuron and patch gates.
     *
     * @param dense the architecture the gates belong to
     * @param gates the soft head and neuron gate values, one entry per block
     * @param patches the soft patch gate values (one per patch position reaching the blocks), or null
     *     to leave the patches out of the search (all kept)
     * @param measure what the budget counts
     * @param budget the kept fraction of the dense model's cost, in (0, 1]
     * @return the choice
     * @throws IllegalArgumentException if the budget is outside (0, 1] or below the smallest model a
     *     threshold can reach (one head and one neuron per block, one patch when patches are searched)
     */
    public static Choice choose(
            DeiTConfig dense, List<BlockGates> gates, float[] patches, Measure measure, double budget) {
        if (!(budget > 0 && budget <= 1)) {
            throw new IllegalArgumentException("the ViT-Slim budget must be in (0, 1], got " + budget);
        }
        if (gates.size() != dense.depth()) {
            throw new IllegalArgumentException("expected gates for " + dense.depth() + " blocks, got " + gates.size());
        }
        double target = budget * measure.of(CostModel.of(dense).dense());
        TreeSet<Double> values = new TreeSet<>();
        values.add(0.0);
        for (BlockGates g : gates) {
            for (float v : g.heads()) {
                values.add((double) Math.abs(v));
            }
            for (float v : g.neurons()) {
                values.add((double) Math.abs(v));
            }
        }
        if (patches != null) {
            if (patches.length != dense.keptPatches()) {
                throw new IllegalArgumentException(
                        "expected " + dense.keptPatches() + " patch gate values, got " + patches.length);
            }
            for (float v : patches) {
                values.add((double) Math.abs(v));
            }
        }
        Double[] candidates = values.toArray(new Double[0]);
        int last = candidates.length - 1;
        Choice smallest = at(dense, gates, patches, measure, candidates[last], target);
        if (measure.of(smallest.cost()) > target) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "budget %s of the dense %s is below the smallest model a threshold can keep (one head and one"
                            + " neuron per block%s: %.0f %s = %.4f of dense); raise the budget",
                    budget, measure, patches == null ? "" : ", one patch", measure.of(smallest.cost()), measure, measure.of(smallest.cost()) / (target / budget)));
        }
        int lo = 0;
        int hi = last;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (measure.of(at(dense, gates, patches, measure, candidates[mid], target).cost()) <= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return at(dense, gates, patches, measure, candidates[lo], target);
    }

    /**
     * What threshold τ keeps and costs.
     *
     * @param dense the gated architecture
     * @param gates the soft gate values
     * @param measure what the budget counts
     * @param threshold τ ≥ 0
     * @param target the budget's target, carried into the result
     * @return the choice at τ
     */
    public static Choice at(DeiTConfig dense, List<BlockGates> gates, Measure measure, double threshold, double target) {
        return at(dense, gates, null, measure, threshold, target);
    }

    /**
     * What threshold τ keeps and costs, patches included.
     *
     * @param dense the gated architecture
     * @param gates the soft head and neuron gate values
     * @param patches the soft patch gate values, or null for all patches kept
     * @param measure what the budget counts
     * @param threshold τ ≥ 0
     * @param target the budget's target, carried into the result
     * @return the choice at τ; its configuration keeps the positions of the kept patch gates
     */
    public static Choice at(
            DeiTConfig dense, List<BlockGates> gates, float[] patches, Measure measure, double threshold, double target) {
        List<BlockGates> masked = new ArrayList<>();
        List<BlockShape> shapes = new ArrayList<>();
        for (BlockGates g : gates) {
            float[] heads = keep(g.heads(), threshold);
            float[] neurons = keep(g.neurons(), threshold);
            masked.add(new BlockGates(heads, neurons));
            shapes.add(new BlockShape(nonZero(heads), nonZero(neurons)));
        }
        DeiTConfig config = dense.withBlocks(shapes);
        float[] maskedPatches = null;
        if (patches != null) {
            maskedPatches = keep(patches, threshold);
            config = config.withKeptPositions(positions(dense, maskedPatches));
        }
        return new Choice(threshold, masked, config, CostModel.of(config).estimate(), target, maskedPatches);
    }

    /** The patch positions of the non-zero entries (composed with the configuration's kept positions); null for all N. */
    private static List<Integer> positions(DeiTConfig dense, float[] maskedPatches) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < maskedPatches.length; j++) {
            if (maskedPatches[j] != 0f) {
                out.add(dense.keptPositions() == null ? j : dense.keptPositions().get(j));
            }
        }
        return dense.keptPositions() == null && out.size() == dense.patches() ? null : out;
    }

    /** Entries with |g| > τ and the largest |g| kept, the rest 0; a kept entry of exactly 0 counts as pruned. */
    private static float[] keep(float[] values, double threshold) {
        float[] out = new float[values.length];
        int best = 0;
        for (int j = 0; j < values.length; j++) {
            if (Math.abs(values[j]) > Math.abs(values[best])) {
                best = j;
            }
            out[j] = Math.abs(values[j]) > threshold ? values[j] : 0f;
        }
        out[best] = values[best];
        return out;
    }

    private static int nonZero(float[] values) {
        return (int) Arrays.stream(toDoubles(values)).filter(v -> v != 0).count();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int j = 0; j < values.length; j++) {
            out[j] = values[j];
        }
        return out;
    }
}
