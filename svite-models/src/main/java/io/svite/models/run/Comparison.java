package io.svite.models.run;

import io.svite.core.data.ImageData;
import io.svite.core.data.ImageDatasets;
import io.svite.core.training.CheckpointPolicy;
import io.svite.core.training.ExitGuard;
import io.svite.core.training.TrainingStoppedException;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.BudgetedMethod;
import io.svite.models.methods.Methods;
import io.svite.models.methods.TrainRecipe;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains several methods one after the other at one parameter budget, on the same data and seeds,
 * each into its own run folder {@code OUT/<method>/} (with several seeds {@code
 * OUT/<method>/seed-s/}), and keeps a table of what each achieved: with several seeds the test
 * accuracy's mean ± standard deviation.
 *
 * <pre>{@code
 * ComparisonTable table = Comparison.builder()
 *         .methods(List.of("dense", "svite", "s2vite", "omp"))
 *         .budget(0.5)
 *         .epochs(2)
 *         .out(Path.of("runs/compare"))
 *         .build()
 *         .run();
 * System.out.print(table.markdown());
 * }</pre>
 *
 * <p>Everything is checked before anything is written (method names, known and once each; the
 * budget; model; dataset; an output folder that is new or empty). Each method is put at the
 * budget by {@link Methods#at} and trained by {@link TrainingRun#runInto}, so its folder is a
 * normal run folder (recipe, metrics, model, report). A method that fails becomes a row with the
 * first line of its error, and the next method runs. After every method {@code compare.csv} and
 * {@code compare.md} are rewritten, so a long comparison that is stopped keeps its finished rows,
 * and the {@link Listener} is told (the command line redraws its chart there).
 */
public final class Comparison {

    /** Told about each method of a comparison as it starts and finishes. */
    public interface Listener {

        /**
         * A method is about to train.
         *
         * @param method the method's name
         * @param index its position, from 1
         * @param count how many methods the comparison trains
         * @param options the settings that put it at the budget, in the command line's words
         */
        default void starting(String method, int index, int count, List<String> options) {}

        /**
         * A method finished or failed; {@code compare.csv} and {@code compare.md} already hold its row.
         *
         * @param row the method's row
         * @param table every row so far
         * @throws IOException if what the listener writes cannot be written (the comparison stops)
         */
        default void finished(ComparisonTable.Row row, ComparisonTable table) throws IOException {}
    }

    /** What a method's {@code recipe.json} records. */
    @FunctionalInterface
    public interface RecipeOptions {

        /**
         * The options of one method's run.
         *
         * @param method the method at the budget
         * @param recipe its recipe (its {@code out} is the method's folder)
         * @return option name → value
         */
        Map<String, Object> of(BudgetedMethod method, TrainRecipe recipe);
    }

    private final Builder b;

    private Comparison(Builder b) {
        this.b = b;
    }

    /**
     * A comparison with the main job's defaults: every registered method, budget 0.5, deit-mini on
     * Fashion-MNIST, 2 epochs of 128-image batches, seed 42, the engine's default device.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the comparison.
     *
     * @return the table of every method's row
     * @throws IllegalArgumentException for a bad setting (nothing is written then)
     * @throws IOException if the table cannot be written
     */
    public ComparisonTable run() throws IOException {
        ComparisonChecks.methods(b.methods);
        Methods.checkBudget(b.budget);
        DeiTConfig dense = DeiTConfig.preset(b.model);
        ImageDatasets.checkKind(b.dataset);
        ComparisonChecks.newOrEmpty(b.out);
        List<List<String>> options = new ArrayList<>();
        for (String m : b.methods) {
            options.add(Methods.optionsAt(m, b.budget, dense));
        }
        try (ExitGuard.Hold hold = ExitGuard.hold()) {
            return runAll(options, dense);
        }
    }

    private ComparisonTable runAll(List<List<String>> options, DeiTConfig dense) throws IOException {
        RunFolder folder = RunFolder.create(b.out);
        List<Long> seeds = SeedSweep.seeds(b.seed, b.seeds);
        ComparisonTable table = new ComparisonTable(b.model, b.dataset, b.budget, b.epochs, seeds,
                Methods.structuredAt(dense, b.budget).toString());
        for (int i = 0; i < b.methods.size(); i++) {
            String m = b.methods.get(i);
            b.listener.starting(m, i + 1, b.methods.size(), options.get(i));
            List<SeedRun> runs = new ArrayList<>();
            for (long seed : seeds) {
                Path dir = seeds.size() == 1 ? b.out.resolve(m) : b.out.resolve(m).resolve("seed-" + seed);
                runs.add(train(m, seed, dir, dense));
            }
            ComparisonTable.Row row = new ComparisonTable.Row(m, options.get(i), runs);
            table.add(row);
            folder.writeAtomically("compare.csv", table.csv());
            folder.writeAtomically("compare.md", table.markdown());
            b.listener.finished(row, table);
        }
        return table;
    }

    /** One method's run for one seed into its folder; a failure is a run with its reason. */
    private SeedRun train(String method, long seed, Path dir, DeiTConfig dense) {
        try {
            TrainRecipe d = TrainRecipe.defaults();
            TrainRecipe recipe = new TrainRecipe(b.model, b.dataset, b.data == null ? null : b.data.toString(), b.epochs,
                    b.batchSize, b.maxBatches, d.learningRate(), d.minLearningRate(), d.weightDecay(), d.warmupEpochs(),
                    d.labelSmoothing(), -1, seed, dir.toString(), null, b.augment);
            BudgetedMethod at = Methods.at(method, b.budget, dense, recipe);
            try (ImageData data = TrainingRun.openData(recipe)) {
                TrainResult result = new TrainingRun(recipe, data, b.device, b.progress)
                        .runInto(at.method(), dir, CheckpointPolicy.defaults(), b.recipeOptions.of(at, recipe));
                return new SeedRun(seed, result, null);
            }
        } catch (TrainingStoppedException e) {
            throw e; // the JVM is shutting down: no further method starts
        } catch (Exception e) {
            return new SeedRun(seed, null, SeedRun.reason(e));
        }
    }

    /** The settings of a comparison; {@link #build()} makes it. */
    public static final class Builder {

        private List<String> methods = Methods.names();
        private double budget = 0.5;
        private String model;
        private String dataset;
        private Path data;
        private int epochs;
        private int batchSize;
        private int maxBatches;
        private long seed;
        private int seeds = 1;
        private String augment;
        private Path out;
        private Device device;
        private PrintStream progress;
        private Listener listener = new Listener() {};
        private RecipeOptions recipeOptions = (m, r) -> RecipeJson.of(r, m);

        private Builder() {
            TrainRecipe d = TrainRecipe.defaults();
            model = d.model();
            dataset = d.dataset();
            epochs = d.epochs();
            batchSize = d.batchSize();
            maxBatches = d.maxBatches();
            seed = d.seed();
        }

        /**
         * The methods, in the order they train (default: every registered method).
         *
         * @param names registered method names, each once
         * @return this builder
         */
        public Builder methods(List<String> names) {
            this.methods = List.copyOf(names);
            return this;
        }

        /**
         * The budget: the fraction of the dense model's prunable parameters kept, in (0, 1).
         *
         * @param budget the budget
         * @return this builder
         */
        public Builder budget(double budget) {
            this.budget = budget;
            return this;
        }

        /**
         * The DeiT preset.
         *
         * @param preset e.g. {@code deit-mini}
         * @return this builder
         */
        public Builder model(String preset) {
            this.model = preset;
            return this;
        }

        /**
         * The dataset kind and folder.
         *
         * @param kind one of {@link ImageDatasets#KINDS}
         * @param dir its folder, or null for the default places
         * @return this builder
         */
        public Builder dataset(String kind, Path dir) {
            this.dataset = kind;
            this.data = dir;
            return this;
        }

        /**
         * Every method's epochs (the one-shot methods need 2 or more).
         *
         * @param epochs the epochs
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Images per step.
         *
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Training and test batches per epoch, 0 for all.
         *
         * @param maxBatches the limit
         * @return this builder
         */
        public Builder maxBatches(int maxBatches) {
            this.maxBatches = maxBatches;
            return this;
        }

        /**
         * Every method's seed of initialisation and data order.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How many seeds every method trains with: the seed of {@link #seed}, then the next ones
         * (default 1). With more than one, seed s of a method runs into {@code OUT/<method>/seed-s/}
         * and the table gives the test accuracy's mean ± standard deviation.
         *
         * @param n seeds, at least 1
         * @return this builder
         */
        public Builder seeds(int n) {
            SeedSweep.seeds(0, n);
            this.seeds = n;
            return this;
        }

        /**
         * Every method's augmentation preset (default: the dataset's, {@code Augmentation.defaultFor}).
         *
         * @param preset {@code deit}, {@code cifar}, {@code none}, or null for the default
         * @return this builder
         */
        public Builder augment(String preset) {
            if (preset != null) {
                io.svite.core.augment.Augmentation.preset(preset);
            }
            this.augment = preset;
            return this;
        }

        /**
         * The folder for {@code compare.csv}, {@code compare.md} and the run folders; it must be new or empty.
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder out(Path dir) {
            this.out = dir;
            return this;
        }

        /**
         * The device every method trains on (default: the engine's default device).
         *
         * @param device the device
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Where training progress is shown (default: nowhere).
         *
         * @param stream the stream, or null
         * @return this builder
         */
        public Builder progress(PrintStream stream) {
            this.progress = stream;
            return this;
        }

        /**
         * Who is told as methods start and finish.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(Listener listener) {
            if (listener == null) {
                throw new IllegalArgumentException("listener must not be null");
            }
            this.listener = listener;
            return this;
        }

        /**
         * What each method's {@code recipe.json} records (default: {@link RecipeJson#of(TrainRecipe,
         * BudgetedMethod)}, the common options, the method and its budget's options).
         *
         * @param options the options of a method's run
         * @return this builder
         */
        public Builder recipeOptions(RecipeOptions options) {
            if (options == null) {
                throw new IllegalArgumentException("recipe options must not be null");
            }
            this.recipeOptions = options;
            return this;
        }

        /**
         * The comparison.
         *
         * @return the comparison
         */
        public Comparison build() {
            if (device == null) {
                device = Engine.getInstance().defaultDevice();
            }
            return new Comparison(this);
        }
    }
}
