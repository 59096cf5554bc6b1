package io.svite.models.run;

import io.svite.core.data.ImageData;
import io.svite.core.data.InputSpec;
import io.svite.core.data.SeededSampler;
import io.svite.core.training.ProgressPrinter;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.TrainRecipe;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;

import java.io.PrintStream;

/**
 * What every phase of a run trains with: the recipe, the data in the run's seeded order, the test
 * batches, the device and the progress display.
 *
 * @param recipe the recipe
 * @param data the dataset
 * @param device the device
 * @param architecture the architecture the method asked for
 * @param sampler the training order (a function of seed and epoch, seekable for resume)
 * @param train the training split, batched in the sampler's order, with the recipe's augmentation
 * @param test the test split, batched in its fixed order
 * @param batchesPerEpoch optimizer steps per epoch (fewer with a batch limit)
 * @param progress where progress is shown
 */
record RunInputs(
        TrainRecipe recipe,
        ImageData data,
        Device device,
        DeiTConfig architecture,
        SeededSampler sampler,
        RandomAccessDataset train,
        RandomAccessDataset test,
        long batchesPerEpoch,
        ProgressPrinter progress) {

    /**
     * Prepares the inputs of a run.
     *
     * @param recipe the recipe
     * @param data the dataset
     * @param device the device
     * @param architecture the architecture the method asked for
     * @param progressOut where to show progress, or null for none
     * @return the inputs
     */
    static RunInputs of(TrainRecipe recipe, ImageData data, Device device, DeiTConfig architecture, PrintStream progressOut) {
        InputSpec input = new InputSpec(architecture.imageSize(), architecture.channels());
        SeededSampler sampler = new SeededSampler(recipe.batchSize(), true, recipe.seed());
        RandomAccessDataset train = data.train(input, sampler, recipe.augmentation(), recipe.seed());
        RandomAccessDataset test = data.test(input, recipe.batchSize());
        long all = (train.size() + recipe.batchSize() - 1) / recipe.batchSize();
        long batchesPerEpoch = recipe.maxBatches() > 0 ? Math.min(all, recipe.maxBatches()) : all;
        return new RunInputs(recipe, data, device, architecture, sampler, train, test, batchesPerEpoch,
                ProgressPrinter.to(progressOut));
    }

    /** The shape of one input image batch of size 1, (1, C, S, S). */
    Shape inputShape() {
        return new Shape(1, architecture.channels(), architecture.imageSize(), architecture.imageSize());
    }
}
