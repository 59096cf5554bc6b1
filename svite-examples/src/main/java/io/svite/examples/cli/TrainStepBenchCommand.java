package io.svite.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.svite.examples.bench.TrainStepBench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code svite bench train-step}: training-step time and peak memory of dense, S2ViTE, SViTE+ and
 * both, side by side in one run ({@link TrainStepBench}).
 */
@Command(
        name = "train-step",
        mixinStandardHelpOptions = true,
        description = {"Training steps of a dense DeiT, S2ViTE (active heads and neurons only), SViTE+ (kept tokens)"
                + " and both, interleaved in one run and averaged over a whole update interval (score passes and the"
                + " update included): time, peak memory, active MACs fraction and time ÷ dense time"
                + " (target: <= MACs fraction + 0.10).",
                "A DeiT-Small step takes seconds on a CPU: on a small machine shorten the interval"
                        + " (e.g. --interval 20 --score-window 2 keeps the default share of full-width passes, 10 %%)."})
final class TrainStepBenchCommand implements Callable<Integer> {

    private final TrainStepBench.Settings d = TrainStepBench.Settings.defaults();

    @Option(names = "--model", paramLabel = "NAME", split = ",", description = "DeiT presets, each measured on its own (default: deit-tiny,deit-small).")
    List<String> models = d.models();

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch = d.batch();

    @Option(names = "--heads", paramLabel = "F", description = "Fraction of heads S2ViTE keeps active (default: ${DEFAULT-VALUE}).")
    double heads = d.heads();

    @Option(names = "--neurons", paramLabel = "F", description = "Fraction of MLP neurons S2ViTE keeps active (default: ${DEFAULT-VALUE}).")
    double neurons = d.neurons();

    @Option(names = "--tokens", paramLabel = "F", description = "Fraction of patches SViTE+ keeps (default: ${DEFAULT-VALUE}).")
    double tokens = d.tokens();

    @Option(names = "--interval", paramLabel = "STEPS", description = "Steps between unit updates, all timed (default: ${DEFAULT-VALUE}).")
    long interval = d.interval();

    @Option(names = "--score-window", paramLabel = "STEPS", description = "Full-width score passes before each update (default: ${DEFAULT-VALUE}).")
    int window = d.window();

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed steps of each variant first (default: ${DEFAULT-VALUE}).")
    int warmup = d.warmup();

    @Option(names = "--no-memory", description = "Skip the peak-memory measurement (one child process per variant).")
    boolean noMemory;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the weights and data (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Mixin ThreadOptions threads;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() {
        TrainStepBench.Settings settings = new TrainStepBench.Settings(
                models, batch, heads, neurons, tokens, interval, window, warmup, !noMemory, seed);
        threads.apply();
        TrainStepBench.Result r = TrainStepBench.run(settings);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(json(r)));
        } else {
            System.out.print(r.format());
        }
        return 0;
    }

    static JsonObject json(TrainStepBench.Result r) {
        TrainStepBench.Settings s = r.settings();
        JsonObject o = new JsonObject();
        o.addProperty("batchSize", s.batch());
        o.addProperty("heads", s.heads());
        o.addProperty("neurons", s.neurons());
        o.addProperty("tokens", s.tokens());
        o.addProperty("interval", s.interval());
        o.addProperty("scoreWindow", s.window());
        o.addProperty("warmup", s.warmup());
        o.addProperty("threads", r.threads());
        o.addProperty("targetMargin", TrainStepBench.TARGET_MARGIN);
        o.addProperty("meetsTarget", r.meetsTarget());
        JsonArray rows = new JsonArray();
        for (TrainStepBench.Row row : r.rows()) {
            JsonObject j = new JsonObject();
            j.addProperty("model", row.model());
            j.addProperty("variant", row.variant());
            j.addProperty("stepMillis", row.millis());
            j.addProperty("stepCpuMillis", row.cpuMillis());
            j.addProperty("narrowStepMillis", row.narrowMillis());
            j.addProperty("scoringStepMillis", row.scoringMillis());
            j.addProperty("ratio", row.ratio());
            j.addProperty("activeMacsFraction", row.activeMacs());
            j.addProperty("intervalMacsFraction", row.intervalMacs());
            j.addProperty("peakResidentMiB", row.peak() == null ? Double.NaN : row.peak().residentMb());
            j.addProperty("peakDeviceMiB", row.peak() == null ? Double.NaN : row.peak().deviceMb());
            j.addProperty("meetsTarget", row.meetsTarget());
            rows.add(j);
        }
        o.add("variants", rows);
        return o;
    }
}
