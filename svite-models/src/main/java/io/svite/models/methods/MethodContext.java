package io.svite.models.methods;

import io.svite.core.data.ImageData;
import io.svite.core.training.EpochMetrics;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;

import java.util.List;

/**
 * What a {@link TrainingMethod} works with: the recipe, the data, the device, and the shared training
 * loop, run phase by phase.
 *
 * <p>{@link #train} follows DJL's {@code EasyTrain} order (forward, backward, {@code
 * onTrainingBatch} listeners, {@code trainer.step()}, and {@code onEpoch} after the test pass), so
 * any DJL listener or optimizer decorator behaves as under {@code EasyTrain.fit}. Every phase
 * trains with the label-smoothed loss and the project's AdamW (decoupled weight decay on weights
 * only, as DeiT: none on biases, norms, class token, position embedding or gates), with linear
 * warm-up then cosine decay over the phase. Models made with {@link #newModel} are closed when the
 * run ends. The run ({@code io.svite.models.run.TrainingRun}) checkpoints every phase and, when it
 * resumes, restores the phases that had finished so the method continues from the same models.
 */
public interface MethodContext {

    /**
     * The recipe of the run.
     *
     * @return the recipe
     */
    TrainRecipe recipe();

    /**
     * The dataset.
     *
     * @return the data
     */
    ImageData data();

    /**
     * The device everything trains on.
     *
     * @return the device
     */
    Device device();

    /**
     * The architecture the method asked for (after {@link TrainingMethod#architecture}).
     *
     * @return the configuration
     */
    DeiTConfig architecture();

    /**
     * Optimizer steps in one epoch (fewer with a batch limit).
     *
     * @return steps per epoch
     */
    long batchesPerEpoch();

    /**
     * The shape of one input image batch of size 1, for initialising a model.
     *
     * @return (1, C, S, S)
     */
    Shape inputShape();

    /**
     * The training split, batched and in the run's seeded order.
     *
     * @return the training dataset
     */
    RandomAccessDataset trainSet();

    /**
     * Every epoch trained so far, across phases.
     *
     * @return the metrics, in order
     */
    List<EpochMetrics> history();

    /**
     * Builds an uninitialised DeiT of the given architecture on the run's device; it is closed when
     * the run ends.
     *
     * @param config the architecture
     * @return the model
     */
    Model newModel(DeiTConfig config);

    /**
     * Registers a model made elsewhere (e.g. by compaction) so that it is closed when the run ends.
     *
     * @param model the model
     * @return the same model
     */
    Model adopt(Model model);

    /**
     * Trains a model for one phase and evaluates it on the test split after every epoch.
     *
     * <p>When the run resumes, a phase that had finished before the checkpoint is restored to its
     * end (weights, optimizer, its states) without training, so the method continues from the same
     * model; the phase the checkpoint was written in continues from the checkpoint's step.
     *
     * @param model the model; initialised here if it is not yet
     * @param phase the phase
     * @return the phase's epochs
     * @throws io.svite.core.training.TrainingDivergedException if the loss or the weights become NaN
     *     or infinite
     * @throws java.io.UncheckedIOException if a checkpoint cannot be written or read
     */
    List<EpochMetrics> train(Model model, TrainingPhase phase);

    /**
     * The test accuracy of a model as it is now, in evaluation mode (deterministic token selection,
     * no drop-path), over the same test batches as the per-epoch evaluation.
     *
     * @param model an initialised model
     * @return accuracy in [0, 1]
     */
    double evaluate(Model model);
}
