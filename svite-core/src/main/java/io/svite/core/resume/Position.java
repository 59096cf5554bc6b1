package io.svite.core.resume;

import com.google.gson.JsonObject;

/**
 * Where a training run stands when a checkpoint is written: after how many optimizer steps of
 * which phase, how many epochs and batches of the current epoch are done, and where the data order
 * continues.
 *
 * @param phase the phase, from 0 (a single-phase run is phase 0)
 * @param step optimizer steps done in this phase
 * @param globalStep optimizer steps done in the whole run (names the checkpoint)
 * @param epochsDone epochs of this phase completed
 * @param batchesDone batches of the current epoch done (0 at an epoch's end)
 * @param samplerEpoch the epoch the training data's sampler produces next (or is producing, mid-epoch)
 * @param samplerSkip batches of that epoch to skip when resuming
 */
public record Position(
        int phase, long step, long globalStep, int epochsDone, long batchesDone, int samplerEpoch, long samplerSkip) {

    /**
     * The start of a phase.
     *
     * @param phase the phase
     * @param globalStep steps done before it
     * @param samplerEpoch the epoch the sampler produces next
     * @return the position
     */
    public static Position start(int phase, long globalStep, int samplerEpoch) {
        return new Position(phase, 0, globalStep, 0, 0, samplerEpoch, 0);
    }

    /**
     * The position after one more training batch of the current epoch.
     *
     * @param samplerEpoch the epoch being produced
     * @return the next position
     */
    Position afterBatch(int samplerEpoch) {
        return new Position(phase, step + 1, globalStep + 1, epochsDone, batchesDone + 1, samplerEpoch, batchesDone + 1);
    }

    /**
     * The position at the end of the current epoch.
     *
     * @param nextSamplerEpoch the epoch the sampler produces next
     * @return the next position
     */
    Position afterEpoch(int nextSamplerEpoch) {
        return new Position(phase, step, globalStep, epochsDone + 1, 0, nextSamplerEpoch, 0);
    }

    /**
     * Whether this is an epoch's end (no batch of the next epoch done yet).
     *
     * @return true at an epoch boundary
     */
    public boolean atEpochEnd() {
        return batchesDone == 0;
    }

    /**
     * The position's manifest fields.
     *
     * @return {@code phaseIndex, phaseStep, globalStep, epochsDone, batchesDone, samplerEpoch, samplerSkip}
     */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("phaseIndex", phase);
        o.addProperty("phaseStep", step);
        o.addProperty("globalStep", globalStep);
        o.addProperty("epochsDone", epochsDone);
        o.addProperty("batchesDone", batchesDone);
        o.addProperty("samplerEpoch", samplerEpoch);
        o.addProperty("samplerSkip", samplerSkip);
        return o;
    }

    /**
     * A position read back from manifest fields.
     *
     * @param manifest a manifest holding {@link #json()}'s fields
     * @return the position
     * @throws IllegalArgumentException if a field is missing
     */
    public static Position of(JsonObject manifest) {
        try {
            return new Position(
                    manifest.get("phaseIndex").getAsInt(),
                    manifest.get("phaseStep").getAsLong(),
                    manifest.get("globalStep").getAsLong(),
                    manifest.get("epochsDone").getAsInt(),
                    manifest.get("batchesDone").getAsLong(),
                    manifest.get("samplerEpoch").getAsInt(),
                    manifest.get("samplerSkip").getAsLong());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the checkpoint manifest has no complete position: " + e.getMessage(), e);
        }
    }
}
