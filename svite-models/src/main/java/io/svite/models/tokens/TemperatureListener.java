package io.svite.models.tokens;

import io.svite.core.checkpoint.Checkpointable;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Advances the temperature of every {@link TokenSelector} in the trained model along its {@link
 * TemperatureSchedule}, one step per training batch.
 *
 * <p>The listener knows the run's total number of optimizer steps T (it cannot be inferred from
 * DJL's listener events). At {@code onTrainingBegin} it finds the selectors in the trainer's model
 * and sets τ(s₀), s₀ the starting step (0, or the step a resumed run continues from); after each
 * training batch — i.e. after the forward pass of step t and before the next one — it sets
 * τ(t + 1). So step t trains with exactly τ(t), the first step with the schedule's start and the
 * last step (t = T − 1) with its end.
 *
 * <pre>
 *   TrainingConfig config = new DefaultTrainingConfig(loss)
 *           .addTrainingListeners(TemperatureListener.of(epochs * batchesPerEpoch));
 * </pre>
 *
 * <p>A loop that does not use listeners sets the temperature itself: {@code
 * selector.setTemperature(schedule.at(step, totalSteps))} before step {@code step}'s forward pass.
 */
public final class TemperatureListener extends TrainingListenerAdapter implements Checkpointable {

    private static final Logger LOG = LoggerFactory.getLogger(TemperatureListener.class);

    private static final String STATE_FILE = "temperature.json";

    private final long totalSteps;
    private long step;
    private List<TokenSelector> selectors = List.of();

    private TemperatureListener(long totalSteps, long startStep) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total training steps must be >= 1, got " + totalSteps);
        }
        if (startStep < 0) {
            throw new IllegalArgumentException("starting step must be >= 0, got " + startStep);
        }
        this.totalSteps = totalSteps;
        this.step = startStep;
    }

    /**
     * A listener for a run of {@code totalSteps} optimizer steps, starting at step 0.
     *
     * @param totalSteps optimizer steps of the whole run, &ge; 1
     * @return the listener
     * @throws IllegalArgumentException for fewer than one step
     */
    public static TemperatureListener of(long totalSteps) {
        return new TemperatureListener(totalSteps, 0);
    }

    /**
     * A listener for a resumed run that continues at step {@code startStep}.
     *
     * @param totalSteps optimizer steps of the whole run, &ge; 1
     * @param startStep the first step this run trains, &ge; 0
     * @return the listener
     * @throws IllegalArgumentException for fewer than one total step or a negative start
     */
    public static TemperatureListener resumingAt(long totalSteps, long startStep) {
        return new TemperatureListener(totalSteps, startStep);
    }

    /**
     * Finds the selectors and sets the starting temperature.
     *
     * @throws IllegalStateException if the model has no token selector
     */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        Block block = trainer.getModel().getBlock();
        selectors = selectorsIn(block);
        if (selectors.isEmpty()) {
            throw new IllegalStateException(
                    "TemperatureListener was added, but the model has no TokenSelector; add the listener"
                            + " only to models built with a token selection");
        }
        apply();
        LOG.debug("token temperature: {} selector(s), step {} of {}, tau {}", selectors.size(), step, totalSteps,
                selectors.get(0).temperature());
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        step++;
        apply();
    }

    private void apply() {
        for (TokenSelector s : selectors) {
            s.setTemperature(s.selection().temperature().at(step, totalSteps));
        }
    }

    /**
     * The step whose forward pass comes next.
     *
     * @return the step counter
     */
    public long step() {
        return step;
    }

    /**
     * The folder name of the temperature's state inside a checkpoint.
     *
     * @return {@code temperature}
     */
    @Override
    public String checkpointName() {
        return "temperature";
    }

    /** Writes the step counter and the run's length as {@code dir/temperature.json}. */
    @Override
    public void writeCheckpoint(Path dir) throws IOException {
        Files.writeString(dir.resolve(STATE_FILE), "{\"step\": " + step + ", \"totalSteps\": " + totalSteps + "}\n");
    }

    /**
     * Continues at the checkpoint's step: the temperature is set when training begins.
     *
     * @throws IllegalArgumentException if the file is missing, malformed or from a run of another length
     */
    @Override
    public void readCheckpoint(Path dir) throws IOException {
        Path file = dir.resolve(STATE_FILE);
        long savedStep;
        long savedTotal;
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            savedStep = o.get("step").getAsLong();
            savedTotal = o.get("totalSteps").getAsLong();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("temperature state " + file + " does not exist", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("temperature state " + file + " is malformed: " + e.getMessage(), e);
        }
        if (savedTotal != totalSteps || savedStep < 0 || savedStep > totalSteps) {
            throw new IllegalArgumentException("temperature state " + file + " is at step " + savedStep + " of "
                    + savedTotal + ", but this run has " + totalSteps + " steps");
        }
        step = savedStep;
    }

    /**
     * Every token selector inside a block, depth first.
     *
     * @param block a model
     * @return the selectors, possibly none
     */
    public static List<TokenSelector> selectorsIn(Block block) {
        List<TokenSelector> found = new ArrayList<>();
        collect(block, found);
        return Collections.unmodifiableList(found);
    }

    private static void collect(Block block, List<TokenSelector> found) {
        if (block instanceof TokenSelector) {
            found.add((TokenSelector) block);
            return;
        }
        for (Block child : block.getChildren().values()) {
            collect(child, found);
        }
    }
}
