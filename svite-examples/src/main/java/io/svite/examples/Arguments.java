package io.svite.examples;

import io.svite.models.methods.TrainRecipe;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The few settings the example programs take: {@code --model NAME --dataset KIND --data DIR
 * --epochs N --batch-size N --max-batches N --seed N --out DIR --quiet}, each defaulting to the
 * main job's (deit-mini on Fashion-MNIST, 2 epochs of 128 images, seed 42, no run folder).
 *
 * @param recipe the training recipe they describe
 * @param out the run folder, or null to write nothing
 * @param quiet whether training progress is hidden
 */
public record Arguments(TrainRecipe recipe, Path out, boolean quiet) {

    /**
     * Parses the arguments.
     *
     * @param args e.g. {@code --dataset synthetic --epochs 2 --out runs/svite}
     * @return the settings
     * @throws IllegalArgumentException for an unknown option or a missing or bad value
     */
    public static Arguments parse(String[] args) {
        TrainRecipe d = TrainRecipe.defaults();
        String model = d.model();
        String dataset = d.dataset();
        String data = null;
        int epochs = d.epochs();
        int batchSize = d.batchSize();
        int maxBatches = d.maxBatches();
        long seed = d.seed();
        Path out = null;
        boolean quiet = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--quiet")) {
                quiet = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--model" -> model = value;
                case "--dataset" -> dataset = value;
                case "--data" -> data = value;
                case "--epochs" -> epochs = Integer.parseInt(value);
                case "--batch-size" -> batchSize = Integer.parseInt(value);
                case "--max-batches" -> maxBatches = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "; use --model, --dataset,"
                        + " --data, --epochs, --batch-size, --max-batches, --seed, --out or --quiet");
            }
        }
        TrainRecipe recipe = new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, d.learningRate(),
                d.minLearningRate(), d.weightDecay(), d.warmupEpochs(), d.labelSmoothing(), d.dropPath(), seed,
                out == null ? null : out.toString());
        return new Arguments(recipe, out, quiet);
    }

    /**
     * Where training progress goes.
     *
     * @return standard error, or null with {@code --quiet}
     */
    public PrintStream progress() {
        return quiet ? null : System.err;
    }
}
