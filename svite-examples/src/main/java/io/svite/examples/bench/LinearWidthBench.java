package io.svite.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of a linear layer as a function of its output width, measured side by side in one
 * run: the evidence for padding compacted MLPs to a multiple of 8.
 *
 * <p>For each width N a {@link Linear} maps (tokens, in) to (tokens, N); the widths are timed in a
 * rotation (run r starts with width r mod k) after warm-up, and the median time of each is turned
 * into multiply-accumulates per second: tokens · in · N / time. DeiT-Small's fc1 at batch 64 is
 * 12,608 tokens × 384 inputs.
 */
public final class LinearWidthBench {

    private LinearWidthBench() {}

    /**
     * One width's figures.
     *
     * @param width output width N
     * @param millis median time of one forward pass
     * @param gmacsPerSecond tokens · in · N / time, in 10⁹ per second
     */
    public record Row(int width, double millis, double gmacsPerSecond) {}

    /**
     * Times a linear layer at every width.
     *
     * @param tokens rows of the input, ≥ 1
     * @param in input features, ≥ 1
     * @param widths output widths, each ≥ 1
     * @param warmup untimed passes per width, ≥ 0
     * @param runs timed passes per width, ≥ 1
     * @return one row per width, in the order given
     */
    public static List<Row> run(int tokens, int in, List<Integer> widths, int warmup, int runs) {
        if (tokens < 1 || in < 1 || runs < 1 || warmup < 0 || widths.isEmpty()) {
            throw new IllegalArgumentException(
                    "need tokens >= 1, in >= 1, runs >= 1, warmup >= 0 and a width; got tokens " + tokens
                            + ", in " + in + ", runs " + runs + ", warmup " + warmup + ", widths " + widths);
        }
        int k = widths.size();
        double[][] t = new double[k][runs];
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray x = root.randomNormal(new Shape(tokens, in));
            ParameterStore ps = new ParameterStore(root, false);
            List<Linear> layers = new ArrayList<>();
            for (int w : widths) {
                if (w < 1) {
                    throw new IllegalArgumentException("widths must be >= 1, got " + widths);
                }
                Linear layer = Linear.builder().setUnits(w).build();
                layer.initialize(root, DataType.FLOAT32, x.getShape());
                layer.freezeParameters(true);
                layers.add(layer);
            }
            for (int i = 0; i < warmup; i++) {
                for (Linear layer : layers) {
                    millis(layer, ps, root, x);
                }
            }
            for (int r = 0; r < runs; r++) {
                for (int j = 0; j < k; j++) {
                    int m = (r + j) % k;
                    t[m][r] = millis(layers.get(m), ps, root, x);
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            double[] sorted = t[j].clone();
            Arrays.sort(sorted);
            double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
            double macs = (double) tokens * in * widths.get(j);
            rows.add(new Row(widths.get(j), median, macs / median / 1e6));
        }
        return rows;
    }

    private static double millis(Linear layer, ParameterStore ps, NDManager root, NDArray x) {
        try (NDManager pass = root.newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            layer.forward(ps, new NDList(x), false);
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /**
     * Prints the table for DeiT-Small's fc1 at batch 64 (12,608 × 384) and widths 1536, 960, 952,
     * 944, 936, 928, 924, 922, 921; 2 warm-up passes, 9 runs.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        List<Integer> widths = List.of(1536, 960, 952, 944, 936, 928, 924, 922, 921);
        List<Row> rows = run(64 * 197, 384, widths, 2, 9);
        System.out.printf(Locale.ROOT, "linear layer (12608 x 384) -> (12608 x N), median of 9 runs, threads %s%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.printf(Locale.ROOT, "%6s %10s %14s%n", "N", "ms", "GMACs/s");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%6d %10.2f %14.1f%n", r.width(), r.millis(), r.gmacsPerSecond());
        }
    }
}
