package io.svite.models.methods;

import io.svite.core.augment.Augmentation;
import io.svite.models.tokens.TokenSelection;

/**
 * Everything that decides a training run; written next to the run's outputs so it can be repeated.
 *
 * <pre>{@code
 * TrainRecipe recipe = TrainRecipe.defaults();                               // deit-mini, Fashion-MNIST
 * TrainRecipe plus = recipe.withTokens(TokenSelection.ratio(0.7));           // SViTE+: 70 % of the patches
 * }</pre>
 *
 * <p>Token selection (SViTE+'s data sparsity) is part of the recipe, not a method: any method
 * trains with the selector the recipe's architecture gets.
 *
 * @param model a DeiT preset name ({@code deit-mini}, {@code deit-tiny}, …)
 * @param dataset {@code fashion-mnist}, {@code cifar10}, {@code folder} or {@code synthetic}
 * @param data the dataset folder, or null to search the default places
 * @param epochs passes over the training set
 * @param batchSize images per optimizer step
 * @param maxBatches training and test batches per epoch, 0 for all (smoke runs)
 * @param learningRate peak learning rate after warm-up
 * @param minLearningRate learning rate at the end of the cosine decay
 * @param weightDecay AdamW's decoupled weight decay
 * @param warmupEpochs epochs of linear warm-up from 0
 * @param labelSmoothing ε of the label-smoothed cross-entropy
 * @param dropPath stochastic-depth rate, or a negative number for the preset's
 * @param seed seed of initialisation and data order
 * @param out the run folder, or null to write nothing
 * @param tokens token selection (SViTE+), or null to keep every patch
 * @param augment the augmentation preset ({@code deit}, {@code cifar}, {@code none}), or null for
 *     the dataset's default ({@link Augmentation#defaultFor})
 * @param ema decay d of a moving average of the weights evaluated beside them after every epoch
 *     ({@link io.svite.core.training.ModelEma}), in [0, 1); 0 for none
 */
public record TrainRecipe(
        String model,
        String dataset,
        String data,
        int epochs,
        int batchSize,
        int maxBatches,
        double learningRate,
        double minLearningRate,
        double weightDecay,
        double warmupEpochs,
        double labelSmoothing,
        double dropPath,
        long seed,
        String out,
        TokenSelection tokens,
        String augment,
        double ema) {

    /** Checks every value and names the bad one. */
    public TrainRecipe {
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
        require(maxBatches >= 0, "max batches must be >= 0 (0 = all), got " + maxBatches);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
        require(minLearningRate >= 0 && minLearningRate <= learningRate,
                "minimum learning rate must be in [0, learning rate], got " + minLearningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
        require(warmupEpochs >= 0 && warmupEpochs < epochs || warmupEpochs == 0,
                "warm-up epochs must be in [0, epochs), got " + warmupEpochs);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1), got " + labelSmoothing);
        require(dropPath < 1, "drop-path rate must be < 1, got " + dropPath);
        if (augment != null) {
            Augmentation.preset(augment);
        }
        require(ema >= 0 && ema < 1, "EMA decay must be in [0, 1) (0 = no average), got " + ema);
    }

    /**
     * A recipe without a moving average of the weights.
     *
     * @param model a DeiT preset name
     * @param dataset the dataset kind
     * @param data the dataset folder, or null
     * @param epochs passes over the training set
     * @param batchSize images per step
     * @param maxBatches batches per epoch, 0 for all
     * @param learningRate peak learning rate
     * @param minLearningRate final learning rate
     * @param weightDecay AdamW weight decay
     * @param warmupEpochs warm-up epochs
     * @param labelSmoothing label smoothing ε
     * @param dropPath drop-path rate, negative for the preset's
     * @param seed the seed
     * @param out the run folder, or null
     * @param tokens token selection, or null
     * @param augment the augmentation preset, or null for the dataset's
     */
    public TrainRecipe(String model, String dataset, String data, int epochs, int batchSize, int maxBatches,
            double learningRate, double minLearningRate, double weightDecay, double warmupEpochs, double labelSmoothing,
            double dropPath, long seed, String out, TokenSelection tokens, String augment) {
        this(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate, weightDecay,
                warmupEpochs, labelSmoothing, dropPath, seed, out, tokens, augment, 0);
    }

    /**
     * A recipe with the dataset's default augmentation.
     *
     * @param model a DeiT preset name
     * @param dataset the dataset kind
     * @param data the dataset folder, or null
     * @param epochs passes over the training set
     * @param batchSize images per step
     * @param maxBatches batches per epoch, 0 for all
     * @param learningRate peak learning rate
     * @param minLearningRate final learning rate
     * @param weightDecay AdamW weight decay
     * @param warmupEpochs warm-up epochs
     * @param labelSmoothing label smoothing ε
     * @param dropPath drop-path rate, negative for the preset's
     * @param seed the seed
     * @param out the run folder, or null
     * @param tokens token selection, or null
     */
    public TrainRecipe(String model, String dataset, String data, int epochs, int batchSize, int maxBatches,
            double learningRate, double minLearningRate, double weightDecay, double warmupEpochs, double labelSmoothing,
            double dropPath, long seed, String out, TokenSelection tokens) {
        this(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate, weightDecay,
                warmupEpochs, labelSmoothing, dropPath, seed, out, tokens, null);
    }

    /**
     * The augmentation of the training split: the preset named by {@link #augment()}, or the
     * dataset's default.
     *
     * @return the augmentation
     */
    public Augmentation augmentation() {
        return augment == null ? Augmentation.defaultFor(dataset) : Augmentation.preset(augment);
    }

    /**
     * This recipe with an augmentation preset.
     *
     * @param preset {@code deit}, {@code cifar}, {@code none}, or null for the dataset's default
     * @return the new recipe
     */
    public TrainRecipe withAugment(String preset) {
        return new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate,
                weightDecay, warmupEpochs, labelSmoothing, dropPath, seed, out, tokens, preset, ema);
    }

    /**
     * This recipe with a moving average of the weights, evaluated beside them after every epoch.
     *
     * @param decay d in [0, 1), 0 for none
     * @return the new recipe
     */
    public TrainRecipe withEma(double decay) {
        return new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate,
                weightDecay, warmupEpochs, labelSmoothing, dropPath, seed, out, tokens, augment, decay);
    }

    /**
     * A recipe without token selection.
     *
     * @param model a DeiT preset name
     * @param dataset the dataset kind
     * @param data the dataset folder, or null
     * @param epochs passes over the training set
     * @param batchSize images per step
     * @param maxBatches batches per epoch, 0 for all
     * @param learningRate peak learning rate
     * @param minLearningRate final learning rate
     * @param weightDecay AdamW weight decay
     * @param warmupEpochs warm-up epochs
     * @param labelSmoothing label smoothing ε
     * @param dropPath drop-path rate, negative for the preset's
     * @param seed the seed
     * @param out the run folder, or null
     */
    public TrainRecipe(
            String model,
            String dataset,
            String data,
            int epochs,
            int batchSize,
            int maxBatches,
            double learningRate,
            double minLearningRate,
            double weightDecay,
            double warmupEpochs,
            double labelSmoothing,
            double dropPath,
            long seed,
            String out) {
        this(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate, weightDecay,
                warmupEpochs, labelSmoothing, dropPath, seed, out, null);
    }

    /**
     * This recipe with token selection (or without, for null).
     *
     * @param selection the token selection, or null
     * @return the new recipe
     */
    public TrainRecipe withTokens(TokenSelection selection) {
        return new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate,
                weightDecay, warmupEpochs, labelSmoothing, dropPath, seed, out, selection, augment, ema);
    }

    /**
     * This recipe with another seed of initialisation, data order and augmentation.
     *
     * @param newSeed the seed
     * @return the new recipe
     */
    public TrainRecipe withSeed(long newSeed) {
        return new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate,
                weightDecay, warmupEpochs, labelSmoothing, dropPath, newSeed, out, tokens, augment, ema);
    }

    /**
     * This recipe with another run folder.
     *
     * @param folder the run folder, or null to write nothing
     * @return the new recipe
     */
    public TrainRecipe withOut(String folder) {
        return new TrainRecipe(model, dataset, data, epochs, batchSize, maxBatches, learningRate, minLearningRate,
                weightDecay, warmupEpochs, labelSmoothing, dropPath, seed, folder, tokens, augment, ema);
    }

    /**
     * The defaults of the main job: the mini preset on Fashion-MNIST.
     *
     * @return the default recipe
     */
    public static TrainRecipe defaults() {
        return new TrainRecipe(
                "deit-mini", "fashion-mnist", null, 2, 128, 0, 1e-3, 1e-5, 0.05, 0.5, 0.1, -1, 42, null);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
