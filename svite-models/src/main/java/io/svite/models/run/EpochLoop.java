package io.svite.models.run;

import io.svite.core.resume.CheckpointWriteException;
import io.svite.core.training.DeviceAccumulator;
import io.svite.core.training.ExitGuard;
import io.svite.core.training.ProgressPrinter;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.translate.TranslateException;

import java.io.IOException;

/**
 * One epoch of a phase: the training batches in EasyTrain's order (forward, loss, backward, {@code
 * onTrainingBatch} listeners, {@code trainer.step()}) — the phase's checkpoint listener seeds each
 * step and writes the checkpoints the policy asks for — with progress lines and divergence checks;
 * and the test pass after it.
 */
final class EpochLoop {

    private final String dataName;
    private final Device device;
    private final RandomAccessDataset train;
    private final RandomAccessDataset test;
    private final long batchesPerEpoch;
    private final int maxBatches;
    private final ProgressPrinter progress;
    private final RunLedger ledger;
    private final DivergenceGuard guard;
    private final PhaseCheckpointer checkpointer;

    EpochLoop(RunInputs in, RunLedger ledger, DivergenceGuard guard, PhaseCheckpointer checkpointer) {
        this.dataName = in.data().name();
        this.device = in.device();
        this.train = in.train();
        this.test = in.test();
        this.batchesPerEpoch = in.batchesPerEpoch();
        this.maxBatches = in.recipe().maxBatches();
        this.progress = in.progress();
        this.ledger = ledger;
        this.guard = guard;
        this.checkpointer = checkpointer;
    }

    /**
     * Trains one epoch (or its rest, from a checkpoint in the middle of it).
     *
     * @param trainer the phase's trainer
     * @param acc the epoch's training accumulator
     * @param run the phase
     * @param epoch the epoch of the phase, from 1
     * @param firstBatch batches of the epoch already trained
     */
    void train(Trainer trainer, DeviceAccumulator acc, PhaseState run, int epoch, long firstBatch) {
        long done = firstBatch;
        long epochStart = System.nanoTime();
        run.epoch = epoch;
        for (Batch batch : iterate(trainer)) {
            try (batch) {
                // a JVM shutdown waits for this thread: stop between steps, never inside a backward pass
                ExitGuard.stopIfExiting("step " + (run.step + 1) + " of phase '" + run.phase.name() + "'");
                EasyTrain.trainBatch(trainer, batch);
                trainer.step();
            } catch (CheckpointWriteException e) {
                throw checkpointer.translate(e);
            }
            done++;
            run.step++;
            ledger.step();
            long globalStep = ledger.globalStep();
            boolean last = done >= batchesPerEpoch;
            if (progress.due() || last) {
                double elapsed = (System.nanoTime() - epochStart) / 1e9;
                double eta = elapsed / (done - firstBatch)
                        * (batchesPerEpoch - done + (run.phase.epochs() - epoch) * batchesPerEpoch);
                progress.show(run.label(), epoch, run.phase.epochs(), done, batchesPerEpoch, acc.meanLoss(),
                        acc.accuracy(), eta);
            }
            if (last) {
                break;
            }
            if (globalStep % DivergenceGuard.CHECK_EVERY == 0) {
                guard.checkFinite(acc, run, epoch, globalStep);
            }
        }
    }

    /**
     * Evaluates the phase's model on the test batches of the run (the first {@code maxBatches}).
     *
     * @param trainer the phase's trainer
     * @param acc the test accumulator
     */
    void evaluate(Trainer trainer, DeviceAccumulator acc) {
        long done = 0;
        long limit = maxBatches > 0 ? maxBatches : Long.MAX_VALUE;
        for (Batch batch : iterate(test, trainer.getManager())) {
            try (batch) {
                ExitGuard.stopIfExiting("test batch " + (done + 1));
                NDList x = batch.getData().toDevice(device, false);
                NDArray labels = batch.getLabels().head().toDevice(device, false);
                NDArray logits = trainer.evaluate(x).head();
                NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                acc.add(loss, logits, labels);
            }
            if (++done >= limit) {
                break;
            }
        }
    }

    private Iterable<Batch> iterate(Trainer trainer) {
        try {
            return trainer.iterateDataset(train);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + dataName + ": " + e.getMessage(), e);
        }
    }

    private Iterable<Batch> iterate(RandomAccessDataset dataset, NDManager manager) {
        try {
            return dataset.getData(manager);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + dataName + ": " + e.getMessage(), e);
        }
    }

    /**
     * A listener that adds every training batch's loss and predictions to an accumulator.
     *
     * @param acc the accumulator
     * @return the listener
     */
    static TrainingListener accumulating(DeviceAccumulator acc) {
        return new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                for (Device d : batchData.getLabels().keySet()) {
                    NDArray labels = batchData.getLabels().get(d).head();
                    NDArray logits = batchData.getPredictions().get(d).head();
                    NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                    acc.add(loss, logits, labels);
                }
            }
        };
    }
}
