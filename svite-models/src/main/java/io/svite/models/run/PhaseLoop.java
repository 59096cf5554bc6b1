package io.svite.models.run;

import io.svite.core.engine.EngineListener;
import io.svite.core.engine.SparseEngine;
import io.svite.core.optimizer.Optimizers;
import io.svite.core.optimizer.StatefulOptimizer;
import io.svite.core.resume.CheckpointListener;
import io.svite.core.resume.CheckpointWriteException;
import io.svite.core.training.DeviceAccumulator;
import io.svite.core.training.EpochMetrics;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.core.training.LearningRates;
import io.svite.core.training.ModelEma;
import io.svite.core.training.ProgressPrinter;
import io.svite.core.training.StepSeeds;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingPhase;
import io.svite.models.tokens.TemperatureListener;
import io.svite.models.tokens.TokenSnapshots;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.tracker.Tracker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Trains the phases of a run, one after the other: the shared configuration of each phase (the
 * label-smoothed loss, the project's AdamW with warm-up and cosine decay over the phase, the
 * accumulating listener, the token temperature), decorated by the phase; the restore of a phase
 * from its checkpoint; the epochs with their evaluation, summary line, metrics callback and
 * checkpoint.
 */
final class PhaseLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PhaseLoop.class);

    private final RunInputs in;
    private final RunLedger ledger;
    private final RunCheckpoints checkpoints;
    private final Consumer<List<EpochMetrics>> afterEpoch;
    private final DivergenceGuard guard;
    private final PhaseCheckpointer checkpointer;
    private final EpochLoop epochs;
    private final TokenImages tokenImages;
    private int phasesStarted;

    PhaseLoop(RunInputs in, RunLedger ledger, RunCheckpoints checkpoints, Consumer<List<EpochMetrics>> afterEpoch,
            TokenImages tokenImages) {
        this.in = in;
        this.tokenImages = tokenImages;
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.afterEpoch = afterEpoch == null ? h -> {} : afterEpoch;
        this.guard = new DivergenceGuard(checkpoints, in.batchesPerEpoch());
        this.checkpointer = new PhaseCheckpointer(checkpoints, ledger, guard, in.batchesPerEpoch(), in.recipe().seed());
        this.epochs = new EpochLoop(in, ledger, guard, checkpointer);
    }

    /**
     * Trains a model for the next phase of the run (see {@code MethodContext.train}).
     *
     * @param model the model; initialised here if it is not yet
     * @param phase the phase
     * @return the phase's epochs
     */
    List<EpochMetrics> train(Model model, TrainingPhase phase) {
        int phaseIndex = phasesStarted++;
        TrainRecipe recipe = in.recipe();
        long batchesPerEpoch = in.batchesPerEpoch();
        long steps = phase.epochs() * batchesPerEpoch;
        DeiT deit = (DeiT) model.getBlock();
        PhaseRestore restore = restoreFor(phaseIndex);
        RunManifest at = restore == null ? null : restore.manifest();
        if (at != null) {
            restore.checkPhase(phase, batchesPerEpoch);
            ledger.restore(at);
        }
        Tracker learningRate = LearningRates.warmupCosine(phase.epochs(), batchesPerEpoch, recipe.warmupEpochs(),
                recipe.learningRate(), recipe.minLearningRate());
        List<EpochMetrics> done = new ArrayList<>();
        try (DeviceAccumulator trainAcc = new DeviceAccumulator(in.device());
                DeviceAccumulator testAcc = new DeviceAccumulator(in.device())) {
            StatefulOptimizer optimizer =
                    Optimizers.adamW()
                            .learningRate(learningRate)
                            .weightDecay((float) recipe.weightDecay())
                            .decayWeightsOnly(model.getBlock())
                            .build();
            DefaultTrainingConfig base =
                    new DefaultTrainingConfig(new LabelSmoothingLoss((float) recipe.labelSmoothing()))
                            .optOptimizer(optimizer)
                            .optDevices(new Device[] {in.device()})
                            .addTrainingListeners(EpochLoop.accumulating(trainAcc));
            if (deit.config().tokenSelection() != null) {
                base.addTrainingListeners(TemperatureListener.of(steps));
            }
            PhaseState run = new PhaseState(phaseIndex, phase, model, optimizer);
            if (recipe.ema() > 0) {
                run.ema = ModelEma.of(recipe.ema()); // a listener of the configuration: checkpointed with it
                base.addTrainingListeners(run.ema);
            }
            run.start = ledger.globalStep() - (at == null ? 0 : at.phaseStep());
            run.step = at == null ? 0 : at.phaseStep();
            if (restore != null) {
                restore.checkArchitecture(deit.config());
            }
            CheckpointListener listener = checkpointer.listener(run, trainAcc, in.sampler(), restore);
            TrainingConfig config =
                    listener.configure(model, phase.decorator().decorate(base, model.getBlock(), steps), in.inputShape());
            run.masks = masks(config);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(in.inputShape());
                if (at == null && ledger.globalStep() == 0 && ledger.tokens() == null) {
                    tokenSnapshot(run); // the selection training begins with
                }
                int firstEpoch = 1;
                long firstBatch = 0;
                if (at != null) {
                    trainAcc.restore(at.accumulator());
                    firstEpoch = at.epochsDone() + 1;
                    firstBatch = at.batchesDone();
                    done.addAll(ledger.epochsOf(phaseIndex));
                    LOG.info("phase '{}' continues from checkpoint {} at step {} of {}", phase.name(), restore.name(),
                            at.phaseStep(), steps);
                }
                for (int e = firstEpoch; e <= phase.epochs(); e++) {
                    done.add(epoch(trainer, run, trainAcc, testAcc, learningRate, e, e == firstEpoch ? firstBatch : 0));
                }
            } finally {
                if (run.ema != null) {
                    run.ema.close(); // after the trainer's close, whose onTrainingEnd adds the last step
                }
            }
            keepTimelines(config, run);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot resume phase '" + phase.name() + "' from its checkpoint: " + e.getMessage(), e);
        }
        StepSeeds.apply(recipe.seed(), phaseIndex, StepSeeds.AFTER_PHASE);
        return done;
    }

    /**
     * Trains, checks and evaluates one epoch, records and shows its metrics, then tells the
     * listeners: the engine logs, the checkpoint listener writes the epoch's end with its metrics.
     */
    private EpochMetrics epoch(Trainer trainer, PhaseState run, DeviceAccumulator trainAcc, DeviceAccumulator testAcc,
            Tracker learningRate, int e, long firstBatch) {
        long epochStart = System.nanoTime();
        epochs.train(trainer, trainAcc, run, e, firstBatch);
        guard.checkFinite(trainAcc, run, e, ledger.globalStep());
        epochs.evaluate(trainer, testAcc);
        double testAccuracy = testAcc.accuracy();
        Double emaAccuracy = null;
        if (run.ema != null) {
            testAcc.reset();
            emaAccuracy = run.ema.withAverage(run.model.getBlock(), run.masks, () -> {
                epochs.evaluate(trainer, testAcc);
                return testAcc.accuracy();
            });
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        EpochMetrics m =
                new EpochMetrics(
                        ledger.epochs() + 1,
                        run.phase.name(),
                        trainAcc.meanLoss(),
                        trainAcc.accuracy(),
                        testAccuracy,
                        learningRate.getNewValue(Math.toIntExact(e * in.batchesPerEpoch())),
                        seconds,
                        emaAccuracy);
        ledger.add(run.index, m);
        tokenSnapshot(run); // before the listeners: the epoch's checkpoint holds it
        in.progress().endLine(
                String.format(
                        Locale.ROOT,
                        "%sepoch %d/%d  loss %.4f  train acc %.2f%%  test acc %.2f%%%s  (%s)",
                        run.label(),
                        e,
                        run.phase.epochs(),
                        m.trainLoss(),
                        100 * m.trainAccuracy(),
                        100 * m.testAccuracy(),
                        emaAccuracy == null ? "" : String.format(Locale.ROOT, "  ema test acc %.2f%%", 100 * emaAccuracy),
                        ProgressPrinter.formatDuration(seconds)));
        trainAcc.reset();
        testAcc.reset();
        afterEpoch.accept(ledger.history());
        try {
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        } catch (CheckpointWriteException x) {
            throw checkpointer.translate(x);
        }
        return m;
    }

    /**
     * Records which patches the model's token selector keeps for the run's fixed test images now
     * (evaluation mode: no random draw, nothing changes), if it has one.
     */
    private void tokenSnapshot(PhaseState run) {
        DeiT deit = (DeiT) run.model.getBlock();
        DeiTConfig c = deit.config();
        if (!c.hasTokenSelection()) {
            return;
        }
        NDArray images = tokenImages.get(c);
        List<List<Integer>> kept = TokenSnapshots.kept(deit, images);
        ledger.tokenSnapshot(Math.toIntExact(images.getShape().get(0)), c.patches(), c.imageSize() / c.patchSize(),
                c.keptPatches(), new RunTimeline.Snapshot(run.phase.name(), ledger.epochs(), ledger.globalStep(), kept));
    }

    /**
     * The mask each parameter trains under, read from the sparsity engines of the configuration
     * when asked (masks change at every update): the moving average is evaluated under the same
     * masks as the weights.
     */
    private static Function<Parameter, NDArray> masks(TrainingConfig config) {
        List<SparseEngine> engines = new ArrayList<>();
        for (TrainingListener l : config.getTrainingListeners()) {
            if (l instanceof EngineListener) {
                engines.add(((EngineListener) l).engine());
            }
        }
        return parameter -> {
            for (SparseEngine engine : engines) {
                NDArray mask = engine.mask(parameter);
                if (mask != null) {
                    return mask;
                }
            }
            return null;
        };
    }

    /** Keeps the timeline of every sparsity engine the phase trained with (also for a phase restored to its end). */
    private void keepTimelines(TrainingConfig config, PhaseState run) {
        for (TrainingListener l : config.getTrainingListeners()) {
            if (l instanceof EngineListener && ((EngineListener) l).engine().bound()) {
                ledger.phaseTimeline(new RunTimeline.Phase(run.index, run.phase.name(), run.start,
                        ((EngineListener) l).engine().timeline()));
            }
        }
    }

    private PhaseRestore restoreFor(int phaseIndex) {
        if (checkpoints == null) {
            return null;
        }
        try {
            return checkpoints.restoreFor(phaseIndex);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint of phase " + phaseIndex + ": " + e.getMessage(), e);
        }
    }
}
