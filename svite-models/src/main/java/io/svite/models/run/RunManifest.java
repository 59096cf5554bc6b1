package io.svite.models.run;

import io.svite.core.checkpoint.CheckpointException;
import io.svite.core.checkpoint.StoredCheckpoint;
import io.svite.core.resume.CheckpointListener;
import io.svite.core.training.DeviceAccumulator;
import io.svite.core.training.EpochMetrics;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;

import java.util.List;

/**
 * What the training loop records in a checkpoint's manifest besides the files: where the run
 * stood, what it was training, and the bookkeeping that is not a tensor.
 *
 * @param phaseIndex the phase, from 0, in the order the method runs them
 * @param phase the phase's name
 * @param phaseEpochs the phase's epochs
 * @param phaseStep optimizer steps done in this phase
 * @param epochsDone epochs of this phase finished (trained, evaluated, reported)
 * @param batchesDone batches of the next epoch already trained (0 at an epoch's end)
 * @param samplerEpoch the data order's epoch to draw next ({@code SeededSampler.seek})
 * @param samplerSkip batches of that epoch to skip
 * @param batchesPerEpoch steps per epoch of the run (a check: the data and recipe must agree)
 * @param globalStep steps done across all phases; the checkpoint's name
 * @param seed the run's seed
 * @param rng how the engine's random generator is restored (see {@link io.svite.core.training.StepSeeds})
 * @param runArchitecture the architecture the method asked for, as {@code DeiTFiles} JSON
 * @param modelArchitecture the architecture of the model this phase trains
 * @param recipe the recipe and the method's settings, compared on resume
 * @param accumulator the current epoch's training loss and accuracy sums
 * @param history every finished epoch so far, across phases
 * @param states the names of the phase's {@code Checkpointable} states, each a folder under
 *     {@code states/}
 * @param tokens the token snapshots so far ({@link RunTimeline#tokensJson}), or null without a
 *     token selector or in a checkpoint written before they were recorded
 */
record RunManifest(
        int phaseIndex,
        String phase,
        int phaseEpochs,
        long phaseStep,
        int epochsDone,
        long batchesDone,
        int samplerEpoch,
        long samplerSkip,
        long batchesPerEpoch,
        long globalStep,
        long seed,
        String rng,
        JsonElement runArchitecture,
        JsonElement modelArchitecture,
        JsonElement recipe,
        DeviceAccumulator.Snapshot accumulator,
        List<PhaseEpoch> history,
        List<String> states,
        JsonElement tokens) {

    /** The value of {@code rng}: the engine is reseeded from (seed, phase, step) every step. */
    static final String RNG_SCHEME = CheckpointListener.RNG_SCHEME;

    private static final Gson GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create();

    /**
     * One finished epoch and the phase it belongs to.
     *
     * @param phaseIndex the phase, from 0
     * @param metrics what it measured
     */
    record PhaseEpoch(int phaseIndex, EpochMetrics metrics) {}

    /**
     * Whether the checkpoint was written at the end of its phase (the outcome a later phase starts from).
     *
     * @return true after the phase's last epoch
     */
    boolean atPhaseEnd() {
        return epochsDone == phaseEpochs && batchesDone == 0;
    }

    /**
     * The loop's fields of a manifest, beside the position, seed, random scheme and state names the
     * core's {@link CheckpointListener} writes.
     *
     * @param phase the phase's name
     * @param phaseEpochs the phase's epochs
     * @param batchesPerEpoch steps per epoch of the run
     * @param runArchitecture the architecture the method asked for
     * @param modelArchitecture the architecture of the model this phase trains
     * @param recipe the recipe and the method's settings
     * @param accumulator the current epoch's training sums
     * @param history every finished epoch so far
     * @param tokens the token snapshots so far, or null
     * @return the fields
     */
    static JsonObject loopFields(String phase, int phaseEpochs, long batchesPerEpoch, JsonElement runArchitecture,
            JsonElement modelArchitecture, JsonElement recipe, DeviceAccumulator.Snapshot accumulator,
            List<PhaseEpoch> history, JsonElement tokens) {
        JsonObject o = new JsonObject();
        o.addProperty("phase", phase);
        o.addProperty("phaseEpochs", phaseEpochs);
        o.addProperty("batchesPerEpoch", batchesPerEpoch);
        o.add("runArchitecture", runArchitecture);
        o.add("modelArchitecture", modelArchitecture);
        o.add("recipe", recipe);
        o.add("accumulator", GSON.toJsonTree(accumulator));
        o.add("history", GSON.toJsonTree(history));
        if (tokens != null) {
            o.add("tokens", tokens);
        }
        return o;
    }

    /**
     * Reads the loop's part of a verified checkpoint's manifest.
     *
     * @param checkpoint the checkpoint
     * @return the manifest
     * @throws CheckpointException if fields are missing or malformed
     */
    static RunManifest of(StoredCheckpoint checkpoint) throws CheckpointException {
        RunManifest m;
        try {
            m = GSON.fromJson(checkpoint.manifest(), RunManifest.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new CheckpointException(
                    "checkpoint " + checkpoint.name() + " has a malformed manifest: " + e.getMessage(), e);
        }
        if (m.phase == null || m.runArchitecture == null || m.modelArchitecture == null || m.recipe == null
                || m.accumulator == null || m.history == null || m.states == null || m.rng == null) {
            throw new CheckpointException(
                    "checkpoint " + checkpoint.name() + " has a manifest without the training loop's fields");
        }
        if (!RNG_SCHEME.equals(m.rng)) {
            throw new CheckpointException(
                    "checkpoint " + checkpoint.name() + " restores the random generator as '" + m.rng
                            + "'; this svite does it as '" + RNG_SCHEME + "'");
        }
        if (m.phaseIndex < 0 || m.epochsDone < 0 || m.epochsDone > m.phaseEpochs || m.batchesDone < 0
                || m.batchesDone >= Math.max(1, m.batchesPerEpoch) || m.phaseStep != m.epochsDone * m.batchesPerEpoch + m.batchesDone) {
            throw new CheckpointException(
                    "checkpoint " + checkpoint.name() + " has an inconsistent position (phase " + m.phaseIndex + ", epoch "
                            + m.epochsDone + "/" + m.phaseEpochs + ", batch " + m.batchesDone + ", step " + m.phaseStep + ")");
        }
        return m;
    }
}
