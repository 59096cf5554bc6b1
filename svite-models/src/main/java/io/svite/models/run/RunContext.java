package io.svite.models.run;

import io.svite.core.data.ImageData;
import io.svite.core.training.EpochMetrics;
import io.svite.core.training.Evaluation;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.MethodContext;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingPhase;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@link MethodContext} of one run: its inputs, the models the method makes (closed with the
 * run), and the phases, which {@link PhaseLoop} trains.
 *
 * <p><b>Reliability.</b> Before every step the engine's random generator is reseeded from (seed,
 * phase, step) ({@link io.svite.core.training.StepSeeds}). The training loss is checked for NaN and
 * infinity on the device and read back every {@value DivergenceGuard#CHECK_EVERY} steps, at every
 * checkpoint and at the end of every epoch; a bad loss stops the run with a {@link
 * io.svite.core.training.TrainingDivergedException} naming the step. With a run folder a checkpoint
 * is written every {@code CheckpointPolicy.everySteps()} steps and at the end of every epoch
 * (weights, optimizer state, data position, accumulators, and every {@code Checkpointable} the
 * phase's configuration or listeners are); a resumed run restores each phase from it and continues
 * bit for bit (see {@code docs/reliability.md}).
 */
final class RunContext implements MethodContext, AutoCloseable {

    private final RunInputs in;
    private final RunLedger ledger = new RunLedger();
    private final PhaseLoop phases;
    private final TokenImages tokenImages;
    private final List<Model> models = new ArrayList<>();

    RunContext(
            TrainRecipe recipe,
            ImageData data,
            Device device,
            DeiTConfig architecture,
            PrintStream progressOut,
            Consumer<List<EpochMetrics>> afterEpoch,
            RunCheckpoints checkpoints) {
        this.in = RunInputs.of(recipe, data, device, architecture, progressOut);
        this.tokenImages = new TokenImages(in);
        this.phases = new PhaseLoop(in, ledger, checkpoints, afterEpoch, tokenImages);
    }

    @Override
    public TrainRecipe recipe() {
        return in.recipe();
    }

    @Override
    public ImageData data() {
        return in.data();
    }

    @Override
    public Device device() {
        return in.device();
    }

    @Override
    public DeiTConfig architecture() {
        return in.architecture();
    }

    @Override
    public long batchesPerEpoch() {
        return in.batchesPerEpoch();
    }

    @Override
    public Shape inputShape() {
        return in.inputShape();
    }

    @Override
    public RandomAccessDataset trainSet() {
        return in.train();
    }

    @Override
    public List<EpochMetrics> history() {
        return ledger.history();
    }

    @Override
    public Model newModel(DeiTConfig config) {
        Model model = Model.newInstance("deit", in.device());
        model.setBlock(DeiT.of(config));
        models.add(model);
        return model;
    }

    @Override
    public Model adopt(Model model) {
        models.add(model);
        return model;
    }

    @Override
    public List<EpochMetrics> train(Model model, TrainingPhase phase) {
        return phases.train(model, phase);
    }

    @Override
    public double evaluate(Model model) {
        TrainRecipe recipe = in.recipe();
        return Evaluation.run(model, in.test(), recipe.batchSize(), recipe.maxBatches(), in.device(), null).accuracy();
    }

    /**
     * The run's timeline so far: each phase's engine timeline and the token snapshots.
     *
     * @return the timeline
     */
    RunTimeline timeline() {
        return ledger.timeline();
    }

    /** Closes every model of the run, the newest first, and the token snapshots' images. */
    @Override
    public void close() {
        for (int i = models.size() - 1; i >= 0; i--) {
            models.get(i).close();
        }
        models.clear();
        tokenImages.close();
    }
}
