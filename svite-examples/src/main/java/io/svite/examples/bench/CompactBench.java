package io.svite.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import io.svite.core.training.ExitGuard;
import io.svite.models.compact.Compactor;
import io.svite.models.compact.StructuredBudget;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Inference latency of a dense DeiT and of its compacted counterpart, measured side by side in one
 * run, next to the saving the cost model predicts.
 *
 * <p>The dense model is a freshly initialised DeiT. The compacted one comes from the same weights:
 * each block's gates keep a random ⌊H·a⌋ heads and ⌊M·o⌋ neurons (seeded), {@link Compactor}
 * builds the smaller model (by default with each block's neurons padded by inert zero neurons to a
 * multiple of 8, which matrix-multiply kernels run markedly faster), and its outputs are checked
 * against the gated model's before timing. The time saving is held to the MACs saving of the exact
 * budget, without the padding, which is the stricter reference. When padding changes the model,
 * the unpadded compacted model is timed in the same rotation too, so the effect of the padding is
 * measured in the same run.
 * For every batch size, after warm-up, the two models run alternately (dense first on even runs,
 * compacted first on odd runs) so that slow phases of a shared machine hit both alike; each
 * forward pass is timed on its own and the medians are compared. Parameters are frozen, so no
 * autograd graph is built.
 */
public final class CompactBench {

    private CompactBench() {}

    /**
     * What to measure.
     *
     * @param model a preset name ({@code deit-small}, …)
     * @param heads fraction of heads kept per block, in (0, 1]
     * @param neurons fraction of MLP neurons kept per block, in (0, 1]
     * @param batchSizes batch sizes to time, each ≥ 1
     * @param warmup untimed passes per model and batch size, ≥ 0
     * @param runs timed passes per model and batch size, ≥ 1
     * @param neuronMultiple compaction pads each block's neurons to a multiple of this (1: none)
     * @param seed seed of the weights, the gate patterns and the inputs
     */
    public record Options(
            String model,
            double heads,
            double neurons,
            List<Integer> batchSizes,
            int warmup,
            int runs,
            int neuronMultiple,
            long seed) {

        /** Validates every field with a message naming the bad value. */
        public Options {
            DeiTConfig.preset(model);
            StructuredBudget.fractions(heads, neurons);
            if (batchSizes == null || batchSizes.isEmpty()) {
                throw new IllegalArgumentException("give at least one batch size");
            }
            for (Integer b : batchSizes) {
                if (b == null || b < 1) {
                    throw new IllegalArgumentException("batch sizes must be >= 1, got " + batchSizes);
                }
            }
            batchSizes = List.copyOf(batchSizes);
            if (warmup < 0) {
                throw new IllegalArgumentException("warm-up passes must be >= 0, got " + warmup);
            }
            if (runs < 1) {
                throw new IllegalArgumentException("timed runs must be >= 1, got " + runs);
            }
            if (neuronMultiple < 1) {
                throw new IllegalArgumentException("the neuron multiple must be >= 1, got " + neuronMultiple);
            }
        }

        /**
         * DeiT-Small, heads 0.7, neurons 0.6, batch 1 and 64, 3 warm-up passes, 15 timed runs,
         * neurons padded to a multiple of 8, seed 42.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return new Options("deit-small", 0.7, 0.6, List.of(1, 64), 3, 15, 8, 42);
        }

        /**
         * These options for another model.
         *
         * @param name a preset name
         * @return new options
         */
        public Options withModel(String name) {
            return new Options(name, heads, neurons, batchSizes, warmup, runs, neuronMultiple, seed);
        }

        /**
         * These options with other kept fractions.
         *
         * @param headFraction fraction of heads kept
         * @param neuronFraction fraction of neurons kept
         * @return new options
         */
        public Options withFractions(double headFraction, double neuronFraction) {
            return new Options(model, headFraction, neuronFraction, batchSizes, warmup, runs, neuronMultiple, seed);
        }

        /**
         * These options with other batch sizes.
         *
         * @param sizes batch sizes
         * @return new options
         */
        public Options withBatchSizes(List<Integer> sizes) {
            return new Options(model, heads, neurons, sizes, warmup, runs, neuronMultiple, seed);
        }

        /**
         * These options with another number of passes.
         *
         * @param warmupPasses untimed passes
         * @param timedRuns timed passes
         * @return new options
         */
        public Options withRuns(int warmupPasses, int timedRuns) {
            return new Options(model, heads, neurons, batchSizes, warmupPasses, timedRuns, neuronMultiple, seed);
        }

        /**
         * These options with another padding of the compacted neurons.
         *
         * @param multiple 1 for none
         * @return new options
         */
        public Options withNeuronMultiple(int multiple) {
            return new Options(model, heads, neurons, batchSizes, warmup, runs, multiple, seed);
        }

        /**
         * These options with another seed.
         *
         * @param newSeed the seed
         * @return new options
         */
        public Options withSeed(long newSeed) {
            return new Options(model, heads, neurons, batchSizes, warmup, runs, neuronMultiple, newSeed);
        }
    }

    /**
     * The latencies at one batch size.
     *
     * @param batch batch size
     * @param denseMillis median time of one dense forward pass
     * @param compactMillis median time of one compacted forward pass (the model as run, padded)
     * @param unpaddedMillis median time of the compacted model without padding, timed in the same
     *     rotation when padding changed the model; 0 when it was not timed
     * @param pairedSaving median over runs of 1 − compacted/dense of the same run
     */
    public record Timing(
            int batch, double denseMillis, double compactMillis, double unpaddedMillis, double pairedSaving) {

        /**
         * Time saved by the compacted model without padding.
         *
         * @return 1 − median unpadded / median dense, or NaN if it was not timed
         */
        public double unpaddedTimeSaving() {
            return unpaddedMillis > 0 ? 1 - unpaddedMillis / denseMillis : Double.NaN;
        }

        /**
         * Time saved by compaction.
         *
         * @return 1 − median compacted / median dense
         */
        public double timeSaving() {
            return 1 - compactMillis / denseMillis;
        }
    }

    /**
     * The measured and predicted savings.
     *
     * @param options what was measured (for a saved model only the timing options apply)
     * @param saved where the timed model was loaded from, or null when it was compacted from a budget
     * @param dense the dense architecture
     * @param compact the compacted architecture
     * @param denseCost cost of the dense model
     * @param budgetCost cost of the budget's architecture, without padding
     * @param compactCost cost of the compacted model as run (with its padding)
     * @param maxAbsDifference largest |gated − compacted| output difference on a random batch
     * @param threads PyTorch intra-op threads ({@code ai.djl.pytorch.num_threads}), 0 if unset
     * @param processors processors available to the JVM
     * @param loadAverage the system's one-minute load average when timing ended, −1 if unknown
     * @param timings one entry per batch size, in the order given
     */
    public record Result(
            Options options,
            String saved,
            DeiTConfig dense,
            DeiTConfig compact,
            CostReport denseCost,
            CostReport budgetCost,
            CostReport compactCost,
            double maxAbsDifference,
            int threads,
            int processors,
            double loadAverage,
            List<Timing> timings) {

        /** Copies the list. */
        public Result {
            timings = List.copyOf(timings);
        }

        /**
         * Whether other processes competed for the processors while timing: a load average above
         * the processor count. Multi-threaded timings are then unreliable, because every parallel
         * operator waits for its slowest thread to be scheduled.
         *
         * @return true if the machine was oversubscribed
         */
        public boolean machineBusy() {
            return loadAverage > processors;
        }

        /**
         * Multiply-accumulates saved per image by the compacted model as run.
         *
         * @return 1 − compacted MACs / dense MACs
         */
        public double macsSaving() {
            return 1 - compactCost.macs() / denseCost.macs();
        }

        /**
         * Multiply-accumulates saved per image by the budget's exact counts, without padding: the
         * reference the time saving is held to.
         *
         * @return 1 − budget MACs / dense MACs
         */
        public double budgetMacsSaving() {
            return 1 - budgetCost.macs() / denseCost.macs();
        }

        /**
         * Parameters saved.
         *
         * @return 1 − compacted parameters / dense parameters
         */
        public double paramsSaving() {
            return 1 - (double) compactCost.params() / denseCost.params();
        }

        /**
         * How much of the budget's MACs saving the largest batch size realises in time.
         *
         * @return time saving / budget MACs saving at the largest batch size
         */
        public double efficiency() {
            Timing largest = Collections.max(timings, (a, b) -> Integer.compare(a.batch(), b.batch()));
            return largest.timeSaving() / budgetMacsSaving();
        }

        /**
         * A table of the figures, for people.
         *
         * @return several lines of text
         */
        public String text() {
            StringBuilder s = new StringBuilder();
            BlockShape budget = saved != null
                    ? compact.blocks().get(0)
                    : StructuredBudget.fractions(options.heads(), options.neurons()).shapes(dense).get(0);
            if (saved != null) {
                s.append(String.format(Locale.ROOT,
                        "compaction benchmark: the saved model %s against the dense model of its architecture, %s%n"
                                + "kept heads per block %s of %d, neurons per block %s of %d%n",
                        saved, threads == 0 ? "default threads" : threads + " threads",
                        compact.blocks().stream().map(b -> String.valueOf(b.heads())).toList(), dense.heads(),
                        compact.blocks().stream().map(b -> String.valueOf(b.hidden())).toList(), dense.hidden()));
            } else {
                BlockShape run = compact.blocks().get(0);
                s.append(String.format(Locale.ROOT,
                        "compaction benchmark: %s, heads %s -> %d of %d, neurons %s -> %d of %d per block"
                                + " (run with %d: padded to a multiple of %d), %s%n",
                        options.model(), options.heads(), budget.heads(), dense.heads(), options.neurons(),
                        budget.hidden(), dense.hidden(), run.hidden(), options.neuronMultiple(),
                        threads == 0 ? "default threads" : threads + " threads"));
            }
            s.append(String.format(Locale.ROOT, "%-18s %14s %14s %12s%n", "", "parameters", "GMACs/image", "MACs saving"));
            s.append(String.format(Locale.ROOT, "%-18s %,14d %14.3f %12s%n", "dense",
                    denseCost.params(), denseCost.macs() / 1e9, "-"));
            if (saved == null) {
                s.append(String.format(Locale.ROOT, "%-18s %,14d %14.3f %11.2f%%%n", "budget (exact)",
                        budgetCost.params(), budgetCost.macs() / 1e9, 100 * budgetMacsSaving()));
            }
            s.append(String.format(Locale.ROOT, "%-18s %,14d %14.3f %11.2f%%%n", "compacted (as run)",
                    compactCost.params(), compactCost.macs() / 1e9, 100 * macsSaving()));
            s.append(String.format(Locale.ROOT, "outputs of %s and compacted model differ by at most %.2e%n",
                    saved != null ? "saved" : "gated", maxAbsDifference));
            s.append(String.format(Locale.ROOT, "median of %d runs after %d warm-up passes, models interleaved;"
                            + " load average %.2f on %d processors%n",
                    options.runs(), options.warmup(), loadAverage, processors));
            if (machineBusy() && threads != 1) {
                s.append("warning: the machine is busy; with more than one PyTorch thread every operator waits"
                        + " for its slowest thread, which hides compute savings. Time with"
                        + " -Dai.djl.pytorch.num_threads=1 (SVITE_THREADS=1) on a shared machine.\n");
            }
            s.append(String.format(Locale.ROOT, "%6s %12s %14s %12s %13s %12s %14s%n",
                    "batch", "dense ms", "compacted ms", "time saving", "paired saving", "MACs saving",
                    "time / MACs"));
            for (Timing t : timings) {
                s.append(String.format(Locale.ROOT, "%6d %12.2f %14.2f %11.2f%% %12.2f%% %11.2f%% %14.2f%n",
                        t.batch(), t.denseMillis(), t.compactMillis(), 100 * t.timeSaving(),
                        100 * t.pairedSaving(), 100 * budgetMacsSaving(), t.timeSaving() / budgetMacsSaving()));
            }
            if (timings.stream().anyMatch(t -> t.unpaddedMillis() > 0)) {
                s.append(String.format(Locale.ROOT, "the same compacted model without padding (%d neurons),"
                        + " timed in the same rotation:%n", budget.hidden()));
                for (Timing t : timings) {
                    s.append(String.format(Locale.ROOT, "%6d %12s %14.2f %11.2f%% %12s %11.2f%% %14.2f%n",
                            t.batch(), "", t.unpaddedMillis(), 100 * t.unpaddedTimeSaving(), "",
                            100 * budgetMacsSaving(), t.unpaddedTimeSaving() / budgetMacsSaving()));
                }
            }
            return s.toString();
        }
    }

    /**
     * Builds the models, checks that the compacted one agrees with the gated one and times them.
     *
     * @param options what to measure
     * @return the figures
     */
    public static Result run(Options options) {
        DeiTConfig dense = DeiTConfig.preset(options.model());
        DeiTConfig target = StructuredBudget.fractions(options.heads(), options.neurons()).apply(dense);
        Random random = new Random(options.seed());
        try (NDManager root = NDManager.newBaseManager();
                NDManager denseManager = root.newSubManager();
                NDManager compactManager = root.newSubManager();
                NDManager unpaddedManager = root.newSubManager()) {
            root.getEngine().setRandomSeed((int) options.seed());
            DeiT model = DeiT.of(dense);
            model.initialize(denseManager, DataType.FLOAT32, input(dense, 1));
            closeGates(model, target, random);
            DeiT compact = Compactor.compact(model, compactManager, options.neuronMultiple());
            if (!Compactor.compactedConfig(compact).equals(target)) {
                throw new IllegalStateException(
                        "compacted to " + compact.config().blocks() + ", expected " + target.blocks());
            }
            double difference;
            try (NDManager check = root.newSubManager()) {
                NDArray x = check.randomNormal(input(dense, 2));
                NDArray a = forward(model, check, x);
                NDArray b = forward(compact, check, x);
                difference = a.sub(b).abs().max().getFloat();
            }
            DeiT unpadded = null;
            if (!compact.config().equals(target)) {
                unpadded = Compactor.compact(model, unpaddedManager, 1);
                unpadded.freezeParameters(true);
            }
            openGates(model);
            model.freezeParameters(true);
            compact.freezeParameters(true);

            List<Timing> timings = new ArrayList<>();
            for (int batch : options.batchSizes()) {
                timings.add(time(model, compact, unpadded, root, input(dense, batch), options));
            }
            Integer threads = Integer.getInteger("ai.djl.pytorch.num_threads");
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return new Result(
                    options,
                    null,
                    dense,
                    compact.config(),
                    CostModel.of(dense).dense(),
                    CostModel.of(target).dense(),
                    CostModel.of(compact.config()).dense(),
                    difference,
                    threads == null ? 0 : threads,
                    Runtime.getRuntime().availableProcessors(),
                    load < 0 ? -1 : load,
                    timings);
        }
    }

    /**
     * Times the models in a rotation: run r starts with model r mod k, so each model goes first,
     * second, … equally often.
     */
    /**
     * Times a saved model against the dense DeiT of its architecture: the same measurement as
     * {@link #run(Options)} for a model compacted elsewhere (S2ViTE, SSP or any structured method,
     * with per-block head and neuron counts of its own).
     *
     * <p>The saved model is compacted once more (a no-op for a compacted model; a gated one loses its
     * closed units) and its outputs are compared with the saved model's. The dense model has the
     * saved model's image, patch, width, depth, head and MLP geometry, classes and token selection,
     * every block whole and every patch position kept, without searched gates (VTP's input gates,
     * ViT-Slim's patch gate), with fresh weights from the seed. Only the batch sizes, passes and seed of
     * the options apply.
     *
     * @param saved the loaded model
     * @param source where it was loaded from, for the report
     * @param options the timing options
     * @return the figures, {@code budgetCost} and {@code compactCost} both the saved model's
     */
    public static Result runSaved(DeiT saved, String source, Options options) {
        // every block whole, every patch position, no searched gates: the model before any pruning
        DeiTConfig dense = saved.config().withDepth(saved.config().depth()).withKeptPositions(null).withPatchGates(false)
                .withInputGates(false);
        try (NDManager root = NDManager.newBaseManager();
                NDManager denseManager = root.newSubManager();
                NDManager compactManager = root.newSubManager()) {
            root.getEngine().setRandomSeed((int) options.seed());
            DeiT compact = Compactor.compact(saved, compactManager, 1);
            double difference;
            try (NDManager check = root.newSubManager()) {
                NDArray x = check.randomNormal(input(dense, 2));
                difference = forward(saved, check, x).sub(forward(compact, check, x)).abs().max().getFloat();
            }
            DeiT model = DeiT.of(dense);
            model.initialize(denseManager, DataType.FLOAT32, input(dense, 1));
            model.freezeParameters(true);
            compact.freezeParameters(true);
            List<Timing> timings = new ArrayList<>();
            for (int batch : options.batchSizes()) {
                timings.add(time(model, compact, null, root, input(dense, batch), options));
            }
            Integer threads = Integer.getInteger("ai.djl.pytorch.num_threads");
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            // estimate(): the tokens each model really runs on (kept positions, a token selector)
            CostReport compactCost = CostModel.of(compact.config()).estimate();
            return new Result(
                    options,
                    source,
                    dense,
                    compact.config(),
                    CostModel.of(dense).estimate(),
                    compactCost,
                    compactCost,
                    difference,
                    threads == null ? 0 : threads,
                    Runtime.getRuntime().availableProcessors(),
                    load < 0 ? -1 : load,
                    timings);
        }
    }

    private static Timing time(
            DeiT dense, DeiT compact, DeiT unpadded, NDManager root, Shape shape, Options options) {
        List<DeiT> models = new ArrayList<>(List.of(dense, compact));
        if (unpadded != null) {
            models.add(unpadded);
        }
        int k = models.size();
        int runs = options.runs();
        double[][] t = new double[k][runs];
        double[] paired = new double[runs];
        try (NDManager batch = root.newSubManager()) {
            NDArray x = batch.randomNormal(shape);
            for (int i = 0; i < options.warmup(); i++) {
                ExitGuard.stopIfExiting("warm-up run " + (i + 1));
                for (DeiT m : models) {
                    millis(m, batch, x);
                }
            }
            for (int r = 0; r < runs; r++) {
                ExitGuard.stopIfExiting("timed run " + (r + 1));
                for (int j = 0; j < k; j++) {
                    int m = (r + j) % k;
                    t[m][r] = millis(models.get(m), batch, x);
                }
                paired[r] = 1 - t[1][r] / t[0][r];
            }
        }
        return new Timing(
                (int) shape.get(0), median(t[0]), median(t[1]), k > 2 ? median(t[2]) : 0, median(paired));
    }

    /** One timed forward pass; its activations are freed right after. */
    private static double millis(DeiT model, NDManager batch, NDArray x) {
        try (NDManager pass = batch.newSubManager()) {
            x.tempAttach(pass);
            long start = System.nanoTime();
            forward(model, pass, x);
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static NDArray forward(DeiT model, NDManager manager, NDArray x) {
        return model.forward(new ParameterStore(manager, false), new NDList(x), false).head();
    }

    /** Keeps a random set of the target's head and neuron counts open in every block. */
    private static void closeGates(DeiT model, DeiTConfig target, Random random) {
        for (int i = 0; i < model.blocks().size(); i++) {
            DeiTBlock block = model.blocks().get(i);
            BlockShape keep = target.blocks().get(i);
            setGate(block.attention().headGate(), pattern(block.attention().heads(), keep.heads(), random));
            setGate(block.mlp().neuronGate(), pattern(block.mlp().hidden(), keep.hidden(), random));
        }
    }

    private static void openGates(DeiT model) {
        for (DeiTBlock block : model.blocks()) {
            float[] heads = new float[block.attention().heads()];
            Arrays.fill(heads, 1f);
            setGate(block.attention().headGate(), heads);
            float[] neurons = new float[block.mlp().hidden()];
            Arrays.fill(neurons, 1f);
            setGate(block.mlp().neuronGate(), neurons);
        }
    }

    private static float[] pattern(int units, int keep, Random random) {
        List<Integer> order = new ArrayList<>(units);
        for (int j = 0; j < units; j++) {
            order.add(j);
        }
        Collections.shuffle(order, random);
        float[] gate = new float[units];
        for (int j = 0; j < keep; j++) {
            gate[order.get(j)] = 1f;
        }
        return gate;
    }

    private static void setGate(Parameter gate, float[] values) {
        NDArray array = gate.getArray();
        try (NDManager scope = NDManager.subManagerOf(array)) {
            array.set(new NDIndex(":"), scope.create(values));
        }
    }

    private static Shape input(DeiTConfig config, int batch) {
        return new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Runs the benchmark from the command line: the same as {@code svite bench compact ARGS} (see
     * {@code --help} there for the options).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "compact";
        System.arraycopy(args, 0, all, 2, args.length);
        System.exit(io.svite.examples.cli.Svite.run(all));
    }
}
