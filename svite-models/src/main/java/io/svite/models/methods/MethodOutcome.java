package io.svite.models.methods;

import io.svite.core.report.SparsityReport;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link TrainingMethod} ends with: the final model, the architecture and per-layer
 * densities to cost it with, and anything it wants saved in the run folder.
 *
 * @param model the final model (owned by the run's {@link MethodContext})
 * @param densities density per cost-model layer name ({@code block0_attn_qkv}), empty when dense
 * @param sparsity the unstructured sparsity report, or null
 * @param artifacts writes method-specific files (masks, gate maps) into the run folder, or null
 */
public record MethodOutcome(Model model, Map<String, Double> densities, SparsityReport sparsity, Artifacts artifacts) {

    /** Copies the map. */
    public MethodOutcome {
        densities = Map.copyOf(densities);
    }

    /**
     * A dense outcome: the model, no masks.
     *
     * @param model the final model
     * @return the outcome
     */
    public static MethodOutcome dense(Model model) {
        return new MethodOutcome(model, Map.of(), null, null);
    }

    /**
     * The final model's architecture (compacted methods end with a smaller one).
     *
     * @return the configuration of the final model
     */
    public DeiTConfig architecture() {
        return ((DeiT) model.getBlock()).config();
    }

    /** Writes a method's own files into a run folder. */
    @FunctionalInterface
    public interface Artifacts {

        /**
         * Writes the files.
         *
         * @param dir the run folder
         * @throws IOException if a file cannot be written
         */
        void write(Path dir) throws IOException;
    }
}
