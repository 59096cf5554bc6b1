package io.svite.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import io.svite.core.training.ExitGuard;
import io.svite.models.cost.CostModel;
import io.svite.models.cost.CostReport;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.tokens.TokenSelection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what the token selector saves at inference: the dense DeiT and the same DeiT with a
 * token selector, timed side by side in one run on the same input batch.
 *
 * <p>Both models are built and initialised in the same process; each run times one forward pass in
 * evaluation mode (deterministic top-k) of a fresh random batch, including reading the logits back
 * so a GPU has finished. The two models alternate (dense first on even runs, selected first on odd
 * runs) so that a slow phase of a shared machine hits both equally. The figure is the median over
 * the timed runs, after warm-up runs that are not timed. The saving in time is then compared with
 * the cost model's MACs saving (which counts the scorer and the patch embedding on all patches).
 * Next to wall time, the process CPU time of each pass (all of PyTorch's threads) is recorded: on a
 * machine shared with other work it shows the work saved independently of waiting for a core.
 *
 * <p>Entry points: {@link #run(Settings)} returns a {@link Result}; {@link #main(String[])} prints
 * it. Target: time saving &ge; {@value #TARGET} × MACs saving.
 */
public final class TokenBench {

    /** The target for time saving over MACs saving. */
    public static final double TARGET = 0.85;

    private static final Logger LOG = LoggerFactory.getLogger(TokenBench.class);

    private TokenBench() {}

    /**
     * What to measure.
     *
     * @param model a preset name ({@link DeiTConfig#presetNames()})
     * @param tokens the token selection of the selected model
     * @param batch images per forward pass, &ge; 1
     * @param warmup untimed runs of each model first, &ge; 0
     * @param runs timed runs of each model, &ge; 1
     * @param seed seed of the weights and inputs
     */
    public record Settings(String model, TokenSelection tokens, int batch, int warmup, int runs, long seed) {

        /** Checks every value. */
        public Settings {
            if (model == null) {
                throw new IllegalArgumentException("model must be one of " + DeiTConfig.presetNames() + ", got null");
            }
            if (tokens == null) {
                throw new IllegalArgumentException("the benchmark needs a token selection, got null");
            }
            DeiTConfig.preset(model).withTokenSelection(tokens);
            if (batch < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmup);
            }
            if (runs < 1) {
                throw new IllegalArgumentException("timed runs must be >= 1, got " + runs);
            }
        }

        /**
         * The case: deit-small, keep 70 % of the patches, batch 64, 3 warm-up and 10
         * timed runs per model.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings("deit-small", TokenSelection.ratio(0.7), 64, 3, 10, 42);
        }
    }

    /**
     * What one benchmark measured.
     *
     * @param settings what was measured
     * @param patches patches of the dense model N
     * @param keptPatches patches the selector keeps k
     * @param denseMillis median wall time of a dense forward pass of one batch
     * @param selectedMillis median wall time of a forward pass with the token selector
     * @param pairedRatio median over runs of selected time / dense time of the same run (robust
     *     to slow phases of a shared machine)
     * @param denseCpuMillis median process CPU time of a dense forward pass, NaN if the JVM cannot
     *     tell
     * @param selectedCpuMillis median process CPU time of a forward pass with the token selector
     * @param denseMacs multiply-accumulates of the dense model per image
     * @param selectedMacs multiply-accumulates with the selector per image (scorer included)
     */
    public record Result(
            Settings settings,
            int patches,
            int keptPatches,
            double denseMillis,
            double selectedMillis,
            double pairedRatio,
            double denseCpuMillis,
            double selectedCpuMillis,
            double denseMacs,
            double selectedMacs) {

        /**
         * Fraction of the dense time saved.
         *
         * @return 1 − selected / dense time
         */
        public double timeSaving() {
            return 1 - selectedMillis / denseMillis;
        }

        /**
         * Fraction of the dense time saved, from the per-run ratios.
         *
         * @return 1 − median(selected / dense time)
         */
        public double pairedTimeSaving() {
            return 1 - pairedRatio;
        }

        /**
         * Fraction of the dense process CPU time saved.
         *
         * @return 1 − selected / dense CPU time, NaN if CPU time was not available
         */
        public double cpuTimeSaving() {
            return 1 - selectedCpuMillis / denseCpuMillis;
        }

        /**
         * Fraction of the dense MACs saved.
         *
         * @return 1 − selected / dense MACs
         */
        public double macsSaving() {
            return 1 - selectedMacs / denseMacs;
        }

        /**
         * How much of the MACs saving shows up as time saving.
         *
         * @return time saving / MACs saving
         */
        public double efficiency() {
            return timeSaving() / macsSaving();
        }

        /**
         * Whether the time saving reaches {@value TokenBench#TARGET} × the MACs saving.
         *
         * @return true if the target is met
         */
        public boolean meetsTarget() {
            return efficiency() >= TARGET;
        }

        /**
         * A small table for a terminal.
         *
         * @return the formatted result
         */
        public String format() {
            Settings s = settings;
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT,
                    "token selection: %s, tokens %s (%d of %d patches), batch %d, median of %d runs after %d warm-up%n",
                    s.model(), s.tokens().describe(), keptPatches, patches, s.batch(), s.runs(), s.warmup()));
            b.append(String.format(Locale.ROOT, "%-10s %8s %12s %16s %16s%n", "", "tokens", "GMACs/image",
                    "ms per batch", "CPU ms per batch"));
            b.append(String.format(Locale.ROOT, "%-10s %8d %12.3f %16.1f %16.1f%n", "dense", patches + 1,
                    denseMacs / 1e9, denseMillis, denseCpuMillis));
            b.append(String.format(Locale.ROOT, "%-10s %8d %12.3f %16.1f %16.1f%n", "selected", keptPatches + 1,
                    selectedMacs / 1e9, selectedMillis, selectedCpuMillis));
            b.append(String.format(Locale.ROOT, "%-10s %8s %11.1f%% %15.1f%% %15.1f%%%n", "saving", "",
                    100 * macsSaving(), 100 * timeSaving(), 100 * cpuTimeSaving()));
            b.append(String.format(Locale.ROOT, "time saving / MACs saving = %.2f (target >= %.2f): %s%n",
                    efficiency(), TARGET, meetsTarget() ? "met" : "NOT met"));
            b.append(String.format(Locale.ROOT, "paired: median per-run time saving %.1f%% (%.2f × the MACs saving)%n",
                    100 * pairedTimeSaving(), pairedTimeSaving() / macsSaving()));
            return b.toString();
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param settings what to measure
     * @return the measured times and the MACs of both models
     */
    public static Result run(Settings settings) {
        DeiTConfig dense = DeiTConfig.preset(settings.model());
        DeiTConfig selected = dense.withTokenSelection(settings.tokens());
        CostReport cost = CostModel.of(selected).estimate();
        Shape input = new Shape(settings.batch(), dense.channels(), dense.imageSize(), dense.imageSize());
        Engine.getInstance().setRandomSeed((int) settings.seed());
        double[] denseTimes = new double[settings.runs()];
        double[] selectedTimes = new double[settings.runs()];
        double[] ratios = new double[settings.runs()];
        double[] denseCpu = new double[settings.runs()];
        double[] selectedCpu = new double[settings.runs()];
        try (NDManager manager = NDManager.newBaseManager()) {
            DeiT denseModel = DeiT.of(dense);
            DeiT selectedModel = DeiT.of(selected);
            denseModel.initialize(manager, DataType.FLOAT32, input);
            selectedModel.initialize(manager, DataType.FLOAT32, input);
            LOG.info("warming up: {} runs of each model", settings.warmup());
            for (int i = 0; i < settings.warmup(); i++) {
                ExitGuard.stopIfExiting("warm-up run " + (i + 1));
                time(denseModel, manager, input);
                time(selectedModel, manager, input);
            }
            for (int i = 0; i < settings.runs(); i++) {
                ExitGuard.stopIfExiting("timed run " + (i + 1));
                double[] d;
                double[] t;
                if (i % 2 == 0) {
                    d = time(denseModel, manager, input);
                    t = time(selectedModel, manager, input);
                } else {
                    t = time(selectedModel, manager, input);
                    d = time(denseModel, manager, input);
                }
                denseTimes[i] = d[0];
                denseCpu[i] = d[1];
                selectedTimes[i] = t[0];
                selectedCpu[i] = t[1];
                ratios[i] = selectedTimes[i] / denseTimes[i];
                LOG.info("run {}/{}: dense {} ms, selected {} ms", i + 1, settings.runs(),
                        Math.round(denseTimes[i]), Math.round(selectedTimes[i]));
            }
        }
        return new Result(
                settings,
                dense.patches(),
                selected.keptPatches(),
                median(denseTimes),
                median(selectedTimes),
                median(ratios),
                median(denseCpu),
                median(selectedCpu),
                cost.denseMacs(),
                cost.macs());
    }

    /**
     * One timed forward pass of a fresh random batch in evaluation mode: {wall, process CPU} in
     * milliseconds.
     */
    private static double[] time(DeiT model, NDManager manager, Shape input) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray images = scope.randomNormal(input);
            ParameterStore ps = new ParameterStore(scope, false);
            long cpuStart = Cpu.processNanos();
            long start = System.nanoTime();
            NDArray logits = model.forward(ps, new NDList(images), false).head();
            logits.toFloatArray();
            long wall = System.nanoTime() - start;
            long cpu = Cpu.processNanos() - cpuStart;
            return new double[] {wall / 1e6, cpuStart < 0 ? Double.NaN : cpu / 1e6};
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * Runs the benchmark from the command line: the same as {@code svite bench tokens ARGS} (see
     * {@code --help} there for the options).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "tokens";
        System.arraycopy(args, 0, all, 2, args.length);
        System.exit(io.svite.examples.cli.Svite.run(all));
    }
}
