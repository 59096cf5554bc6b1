package io.svite.models.run;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;

import ai.djl.Device;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Trains one method once per seed — seeds s, s + 1, …, s + n − 1 of the recipe's seed s — so its
 * accuracy can be given as a mean with a spread rather than as one draw.
 *
 * <pre>{@code
 * SeedSummary summary = SeedSweep.run(TrainRecipe.defaults(), 3, r -> new DenseMethod(),
 *         Device.cpu(), System.err, Path.of("runs/dense"), r -> RecipeJson.of(r));
 * System.out.print(summary.text());          // test accuracy 82.41 ± 0.30 % over 3 seeds
 * }</pre>
 *
 * <p>With a folder, seed s runs into {@code DIR/seed-s/}, a normal run folder. Each seed's method
 * is built from that seed's recipe (methods with their own random choices, such as SViTE's masks,
 * take the seed from it). A failure stops the sweep: {@code train} treats every seed as the run the
 * user asked for.
 */
public final class SeedSweep {

    private SeedSweep() {}

    /**
     * The seeds of a sweep.
     *
     * @param first the first seed
     * @param n how many, at least 1
     * @return first, first + 1, …
     * @throws IllegalArgumentException for n below 1
     */
    public static List<Long> seeds(long first, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + n);
        }
        List<Long> seeds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seeds.add(first + i);
        }
        return seeds;
    }

    /**
     * Trains a method over several seeds.
     *
     * @param recipe the recipe; its seed is the first seed
     * @param n how many seeds, at least 1
     * @param method the method of one seed's recipe
     * @param device the device
     * @param progress where progress is shown, or null
     * @param out the folder for one run folder per seed, or null to write nothing
     * @param recipeJson what one seed's {@code recipe.json} records (used with a folder only)
     * @return every seed's result
     * @throws IOException if a run folder cannot be written
     */
    public static SeedSummary run(TrainRecipe recipe, int n, Function<TrainRecipe, TrainingMethod> method, Device device,
            PrintStream progress, Path out, Function<TrainRecipe, Map<String, Object>> recipeJson) throws IOException {
        List<Long> seeds = seeds(recipe.seed(), n);
        String name = null;
        List<SeedRun> runs = new ArrayList<>();
        for (long seed : seeds) {
            Path dir = out == null ? null : out.resolve("seed-" + seed);
            TrainRecipe r = recipe.withSeed(seed).withOut(dir == null ? null : dir.toString());
            TrainingMethod m = method.apply(r);
            try (ImageData data = TrainingRun.openData(r)) {
                TrainingRun run = new TrainingRun(r, data, device, progress);
                TrainResult result;
                if (dir == null) {
                    run.check(m);
                    result = run.run(m, null, CheckpointPolicy.defaults());
                } else {
                    result = run.runInto(m, dir, CheckpointPolicy.defaults(), recipeJson.apply(r));
                }
                name = result.method();
                runs.add(new SeedRun(seed, result, null));
                if (progress != null) {
                    progress.printf(java.util.Locale.ROOT, "seed %d: test accuracy %.2f %%%n", seed,
                            100 * result.testAccuracy());
                }
            }
        }
        return new SeedSummary(name, runs);
    }
}
