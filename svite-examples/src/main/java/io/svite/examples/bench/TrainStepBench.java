package io.svite.examples.bench;

import io.svite.models.deit.DeiTConfig;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Measures what sparse training saves per step: dense, S2ViTE, SViTE+ and both, trained side by
 * side in one run on the same machine.
 *
 * <p>For each model the four variants are built in one process and step in turn (the first
 * variant of a round changes every round), so a slow phase of a shared machine hits all of them.
 * After the warm-up steps, each variant's time is the mean over one whole update interval: the
 * narrow steps, the {@code window} full-width score passes and the step whose end moves the units.
 * Beside it: the process CPU time, the peak memory of a child process training that variant alone
 * ({@link StepMemory}), the forward MACs of the active part as a fraction of the dense model's and
 * the ratio of the variant's time to the dense time. Target: ratio &le; active MACs fraction +
 * {@value #TARGET_MARGIN}.
 */
public final class TrainStepBench {

    /** The margin: a step may cost at most its active MACs fraction plus this. */
    public static final double TARGET_MARGIN = 0.10;

    private static final Logger LOG = LoggerFactory.getLogger(TrainStepBench.class);

    private TrainStepBench() {}

    /**
     * What to measure.
     *
     * @param models DeiT presets, each measured on its own
     * @param batch images per step, &ge; 1
     * @param heads fraction of heads kept by S2ViTE, in (0, 1]
     * @param neurons fraction of neurons kept by S2ViTE, in (0, 1]
     * @param tokens fraction of patches kept by SViTE+, in (0, 1]
     * @param interval steps between unit updates, the steps timed per variant, &ge; 2
     * @param window full-width score passes before each update, 1 … interval − 1
     * @param warmup untimed steps of each variant first, &ge; 0
     * @param memory whether to measure each variant's peak memory in a child process
     * @param seed seed of the weights and data
     */
    public record Settings(
            List<String> models, int batch, double heads, double neurons, double tokens, long interval, int window,
            int warmup, boolean memory, long seed) {

        /** Checks every value. */
        public Settings {
            if (models == null || models.isEmpty()) {
                throw new IllegalArgumentException("name at least one model of " + DeiTConfig.presetNames());
            }
            models = List.copyOf(models);
            models.forEach(DeiTConfig::preset);
            if (batch < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
            }
            fraction("heads", heads);
            fraction("neurons", neurons);
            fraction("patches", tokens);
            if (interval < 2) {
                throw new IllegalArgumentException("the update interval must be >= 2 steps, got " + interval);
            }
            if (window < 1 || window >= interval) {
                throw new IllegalArgumentException(
                        "the score window must be in 1.." + (interval - 1) + " (below the interval), got " + window);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmup);
            }
        }

        private static void fraction(String what, double value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException("the fraction of " + what + " kept must be in (0, 1], got " + value);
            }
        }

        /**
         * The case: DeiT-Tiny and DeiT-Small, batch 32, heads 0.7, neurons 0.6, tokens 0.7,
         * units moved every 100 steps after a 10-pass score window, 2 warm-up steps.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(List.of("deit-tiny", "deit-small"), 32, 0.7, 0.6, 0.7, 100, 10, 2, true, 42);
        }

        StepVariant.Budget budget() {
            return new StepVariant.Budget(heads, neurons, tokens, interval, window);
        }
    }

    /**
     * Peak memory of a process training one variant alone.
     *
     * @param residentMb peak resident set in MiB, NaN where the system does not tell
     * @param deviceMb GPU memory in use at the end in MiB (PyTorch's caching allocator keeps what
     *     the largest pass reserved), NaN on a CPU
     */
    public record Peak(double residentMb, double deviceMb) {}

    /**
     * One variant of one model.
     *
     * @param model the preset
     * @param variant dense, s2vite, tokens or s2vite+tokens
     * @param millis mean wall time of a step over the interval
     * @param cpuMillis mean process CPU time of a step, NaN if the JVM cannot tell
     * @param narrowMillis mean wall time of the steps between score windows
     * @param scoringMillis mean wall time of the score-window steps (the update's included), NaN
     *     without units
     * @param ratio millis ÷ the dense variant's millis
     * @param activeMacs forward MACs of the active part ÷ dense MACs
     * @param intervalMacs the interval's mean forward MACs ÷ dense MACs (score passes at full width)
     * @param peak peak memory of a process training this variant, NaN if not measured
     */
    public record Row(
            String model, String variant, double millis, double cpuMillis, double narrowMillis, double scoringMillis,
            double ratio, double activeMacs, double intervalMacs, Peak peak) {

        /**
         * Whether the step costs at most its active MACs fraction plus {@value #TARGET_MARGIN}.
         *
         * @return true if the target is met
         */
        public boolean meetsTarget() {
            return ratio <= activeMacs + TARGET_MARGIN;
        }
    }

    /**
     * What one run measured.
     *
     * @param settings what was measured
     * @param threads PyTorch's intra-op threads
     * @param rows four rows per model, dense first
     */
    public record Result(Settings settings, int threads, List<Row> rows) {

        /**
         * Whether every variant meets its target.
         *
         * @return true if all rows do
         */
        public boolean meetsTarget() {
            return rows.stream().allMatch(Row::meetsTarget);
        }

        /**
         * A table for a terminal.
         *
         * @return the formatted result
         */
        public String format() {
            Settings s = settings;
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT,
                    "training step: batch %d, heads %.2f, neurons %.2f, tokens %.2f; mean over one update interval of %d"
                            + " steps (%d full-width score passes) after %d warm-up steps; %d threads%n",
                    s.batch(), s.heads(), s.neurons(), s.tokens(), s.interval(), s.window(), s.warmup(), threads));
            b.append(String.format(Locale.ROOT, "%-11s %-14s %9s %9s %9s %9s %8s %8s %9s %8s  %s%n", "model", "variant",
                    "ms/step", "CPU ms", "narrow", "scoring", "MACs", "int.MACs", "peak MiB", "ratio", "target"));
            for (Row r : rows) {
                b.append(String.format(Locale.ROOT, "%-11s %-14s %9.1f %9.1f %9.1f %9s %8.3f %8.3f %9s %8.3f  %s%n",
                        r.model(), r.variant(), r.millis(), r.cpuMillis(), r.narrowMillis(),
                        Double.isNaN(r.scoringMillis()) ? "-" : String.format(Locale.ROOT, "%.1f", r.scoringMillis()),
                        r.activeMacs(), r.intervalMacs(), peak(r.peak()), r.ratio(),
                        r.variant().equals("dense") ? "-" : (r.meetsTarget() ? "met" : "NOT met")
                                + String.format(Locale.ROOT, " (<= %.3f)", r.activeMacs() + TARGET_MARGIN)));
            }
            b.append("ratio = ms/step ÷ dense ms/step; target: ratio <= MACs + ")
                    .append(TARGET_MARGIN).append(": ").append(meetsTarget() ? "met" : "NOT met").append('\n');
            return b.toString();
        }

        private static String peak(Peak p) {
            if (p == null || Double.isNaN(p.residentMb())) {
                return "-";
            }
            String rss = String.format(Locale.ROOT, "%.0f", p.residentMb());
            return Double.isNaN(p.deviceMb()) ? rss : rss + String.format(Locale.ROOT, "/%.0f", p.deviceMb());
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param settings what to measure
     * @return four rows per model
     */
    public static Result run(Settings settings) {
        List<Row> rows = new ArrayList<>();
        for (String model : settings.models()) {
            rows.addAll(measure(model, settings));
        }
        int threads = "PyTorch".equals(Engine.getInstance().getEngineName()) ? JniUtils.getNumThreads() : 0;
        return new Result(settings, threads, rows);
    }

    private static List<Row> measure(String name, Settings s) {
        DeiTConfig dense = DeiTConfig.preset(name);
        StepVariant.Budget budget = s.budget();
        StepVariant.Kind[] kinds = StepVariant.Kind.values();
        int n = kinds.length;
        long total = 10 * (s.warmup() + s.interval());
        double[][] wall = new double[n][(int) s.interval()];
        double[][] cpu = new double[n][(int) s.interval()];
        double[] active = new double[n];
        double[] scoring = new double[n];
        Engine.getInstance().setRandomSeed((int) s.seed());
        List<StepVariant> variants = new ArrayList<>();
        try {
            for (StepVariant.Kind k : kinds) {
                variants.add(StepVariant.create(k, dense, budget, s.batch(), total));
            }
            for (int i = 0; i < n; i++) {
                active[i] = variants.get(i).activeMacsFraction(budget);
                scoring[i] = kinds[i].units() ? variants.get(i).scoringMacsFraction() : active[i];
            }
            LOG.info("{}: {} warm-up steps of each variant", name, s.warmup());
            for (int w = 0; w < s.warmup(); w++) {
                variants.forEach(StepVariant::timedStep);
            }
            for (int t = 0; t < s.interval(); t++) {
                for (int j = 0; j < n; j++) {
                    int i = (j + t) % n; // a different variant goes first each round
                    double[] m = variants.get(i).timedStep();
                    wall[i][t] = m[0];
                    cpu[i][t] = m[1];
                }
                LOG.info("{}: step {}/{}: {} ms dense", name, t + 1, s.interval(), Math.round(wall[0][t]));
            }
        } finally {
            variants.forEach(StepVariant::close);
        }
        List<Row> rows = new ArrayList<>();
        double denseMillis = mean(wall[0], t -> true);
        for (int i = 0; i < n; i++) {
            long first = s.warmup() + 1L;
            IntPredicate inWindow = t -> inScoreWindow(first + t, s.interval(), s.window());
            boolean units = kinds[i].units();
            double millis = mean(wall[i], t -> true);
            double narrow = units ? mean(wall[i], inWindow.negate()) : millis;
            double scored = units ? mean(wall[i], inWindow) : Double.NaN;
            double intervalMacs = units
                    ? ((s.interval() - s.window()) * active[i] + s.window() * scoring[i]) / s.interval() : active[i];
            Peak peak = s.memory() ? StepMemory.measure(kinds[i], name, budget, s.batch(), s.seed()) : null;
            rows.add(new Row(name, kinds[i].label(), millis, mean(cpu[i], t -> true), narrow, scored,
                    millis / denseMillis, active[i], intervalMacs, peak));
        }
        return rows;
    }

    /** Whether a step (counted from 1) is one of the full-width score passes before an update. */
    static boolean inScoreWindow(long step, long interval, int window) {
        long untilUpdate = (interval - step % interval) % interval;
        return untilUpdate < window;
    }

    private static double mean(double[] values, IntPredicate which) {
        double sum = 0;
        int count = 0;
        for (int t = 0; t < values.length; t++) {
            if (which.test(t)) {
                sum += values[t];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * Runs the benchmark from the command line: the same as {@code svite bench train-step ARGS}.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "train-step";
        System.arraycopy(args, 0, all, 2, args.length);
        System.exit(io.svite.examples.cli.Svite.run(all));
    }
}
