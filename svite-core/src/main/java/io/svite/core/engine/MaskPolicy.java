package io.svite.core.engine;

import io.svite.core.report.LayerSparsity;
import io.svite.core.report.UnitGroupReport;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * One way of keeping part of a model inactive while it trains, run by the {@link SparseEngine}:
 * SViTE's prune-and-grow masks, S2ViTE's unit swaps, a pruning schedule. A new method is a new
 * policy; the engine owns the binding, the optimizer, the step count, reports and checkpoints.
 *
 * <p>Lifecycle, all on the training thread:
 *
 * <ol>
 *   <li>{@link #begin} when the trainer is created ({@code onTrainingBegin}), before the model's
 *       arrays may exist: check the recipe against the model, claim gates, watch parameters;
 *   <li>{@link #bind} once every parameter has its array — inside {@code trainer.initialize},
 *       before any copy to a device and before the first forward pass — with the policy's state
 *       from a checkpoint, or null for a fresh run: install masks, draw initial sets;
 *   <li>{@link #beforeStep} for every training batch, after backward and before {@code
 *       trainer.step()}, while the dense gradient is present: score, update;
 *   <li>{@link #end} when training ends.
 * </ol>
 *
 * <p>Policies run in the order of the recipe; on a shared update step an earlier policy has
 * rewritten its masks before a later one runs.
 */
public interface MaskPolicy {

    /**
     * The policy's name: its section in checkpoints and logs, unique in a recipe.
     *
     * @return e.g. {@code svite}
     */
    String name();

    /**
     * Checks against the model and takes its part before the arrays exist.
     *
     * @param ctx the engine
     * @throws IllegalArgumentException if the recipe does not fit the model
     */
    void begin(PolicyContext ctx);

    /**
     * Installs the starting state once the arrays exist.
     *
     * @param ctx the engine
     * @param restored the state {@link #save} wrote, when the run resumes; else null
     * @return true if binding was itself an update (a pruning event at step 0)
     * @throws IllegalArgumentException if the model or a checkpoint does not fit the recipe
     */
    boolean bind(PolicyContext ctx, Saved restored);

    /**
     * Whether {@link #bind} changes the model (masks, gates): if the arrays appear only after the
     * first forward pass, the engine warns that this pass was dense.
     *
     * @return true by default
     */
    default boolean installsAtBind() {
        return true;
    }

    /**
     * Runs before the optimizer step of training step {@code step} (from 1).
     *
     * @param ctx the engine
     * @param step the step about to be taken
     * @return true if masks or gates changed (an update)
     */
    boolean beforeStep(PolicyContext ctx, long step);

    /**
     * Runs when training ends.
     *
     * @param ctx the engine
     */
    default void end(PolicyContext ctx) {}

    /**
     * The policy's masked tensors, for reports, mask files and hand-over between phases.
     *
     * @return the tensors, in model order (empty for a policy of gates only)
     */
    List<MaskedTensor> tensors();

    /**
     * The policy's lines of a sparsity report.
     *
     * @return one per masked tensor (reads counts from the device)
     */
    default List<LayerSparsity> layers() {
        return tensors().stream().map(MaskedTensor::report).toList();
    }

    /**
     * The policy's unit groups for a report.
     *
     * @param ctx the engine
     * @return one per group (empty for a policy of masks only)
     */
    default List<UnitGroupReport> groups(PolicyContext ctx) {
        return List.of();
    }

    /**
     * The active units of every group, read from the gates.
     *
     * @param ctx the engine
     * @return active unit indices by group name (empty for a policy of masks only)
     */
    default Map<String, List<Integer>> activeUnits(PolicyContext ctx) {
        return Map.of();
    }

    /**
     * Writes what a resumed run needs besides the weights (which carry gates) and the engine's
     * step and update counts.
     *
     * @param header fields to add
     * @param arrays host arrays to add, named by the policy (the engine prefixes the names)
     * @param host the manager that owns host copies
     */
    void save(JsonObject header, NDList arrays, NDManager host);

    /**
     * What {@link #save} wrote, read back.
     *
     * @param file the checkpoint file, for messages
     * @param header the policy's fields
     * @param arrays the policy's arrays by the names it gave them (host arrays)
     */
    record Saved(java.nio.file.Path file, JsonObject header, Map<String, NDArray> arrays) {

        /**
         * A named array, refused with a message naming the file when missing.
         *
         * @param name the array's name
         * @return the array
         */
        public NDArray require(String name) {
            return io.svite.core.checkpoint.StateFile.array(file, arrays, name);
        }

        /**
         * A header field as a long, refused with a message naming the file when missing.
         *
         * @param name the field
         * @return its value
         */
        public long getLong(String name) {
            return io.svite.core.checkpoint.StateFile.field(file, header, name);
        }
    }
}
