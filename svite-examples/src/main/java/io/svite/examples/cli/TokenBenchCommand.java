package io.svite.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import io.svite.examples.bench.TokenBench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code svite bench tokens}: inference time of a dense DeiT and the same DeiT with a token
 * selector, side by side in one run ({@link TokenBench}), next to the cost model's MACs saving.
 */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        description = "Median evaluation-mode forward pass of a dense DeiT vs the same DeiT keeping only some patch"
                + " tokens (SViTE+), timed alternately in one run; time saving vs MACs saving (target >= 0.85).")
final class TokenBenchCommand implements Callable<Integer> {

    private final TokenBench.Settings d = TokenBench.Settings.defaults();

    @Option(names = "--model", paramLabel = "NAME", description = "DeiT preset (default: ${DEFAULT-VALUE}).")
    String model = d.model();

    @Option(names = "--tokens", paramLabel = "R|K", description = "Patches kept: a ratio in (0, 1] such as 0.7 or a count such as 137 (default: ${DEFAULT-VALUE}).")
    String tokens = "0.7";

    @Option(names = {"--batch-size", "--batch"}, paramLabel = "N", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch = d.batch();

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed passes of each model first (default: ${DEFAULT-VALUE}).")
    int warmup = d.warmup();

    @Option(names = "--runs", paramLabel = "N", description = "Timed passes of each model (default: ${DEFAULT-VALUE}).")
    int runs = d.runs();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed = d.seed();

    @Mixin ThreadOptions threads;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Override
    public Integer call() {
        TokenBench.Settings settings =
                new TokenBench.Settings(
                        model,
                        TokenOptions.parseTokens(tokens),
                        Conversions.positive("--batch-size", batch),
                        Conversions.nonNegative("--warmup", warmup),
                        Conversions.positive("--runs", runs),
                        seed);
        int engineThreads = threads.apply();
        TokenBench.Result r = TokenBench.run(settings);
        if (json) {
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(json(r, engineThreads)));
        } else {
            System.out.print(r.format());
        }
        return 0;
    }

    static JsonObject json(TokenBench.Result r, int threads) {
        JsonObject o = new JsonObject();
        o.addProperty("model", r.settings().model());
        o.addProperty("tokens", r.settings().tokens().describe());
        o.addProperty("batchSize", r.settings().batch());
        o.addProperty("warmup", r.settings().warmup());
        o.addProperty("runs", r.settings().runs());
        o.addProperty("threads", threads);
        o.addProperty("patches", r.patches());
        o.addProperty("keptPatches", r.keptPatches());
        o.addProperty("denseMillis", r.denseMillis());
        o.addProperty("selectedMillis", r.selectedMillis());
        o.addProperty("denseCpuMillis", r.denseCpuMillis());
        o.addProperty("selectedCpuMillis", r.selectedCpuMillis());
        o.addProperty("denseMacs", r.denseMacs());
        o.addProperty("selectedMacs", r.selectedMacs());
        o.addProperty("macsSaving", r.macsSaving());
        o.addProperty("timeSaving", r.timeSaving());
        o.addProperty("pairedTimeSaving", r.pairedTimeSaving());
        o.addProperty("cpuTimeSaving", r.cpuTimeSaving());
        o.addProperty("timeOverMacsSaving", r.efficiency());
        o.addProperty("target", TokenBench.TARGET);
        o.addProperty("meetsTarget", r.meetsTarget());
        return o;
    }
}
