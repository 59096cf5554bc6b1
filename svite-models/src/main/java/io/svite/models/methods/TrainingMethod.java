package io.svite.models.methods;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.models.deit.DeiTConfig;

import com.google.gson.JsonObject;

import java.io.IOException;

/**
 * A way of training a DeiT: dense, SViTE, S2ViTE or one of the baselines people compare against.
 *
 * <pre>{@code
 * TrainingMethod svite = new SviteMethod(SviteRecipe.defaults(0.5, 42));
 * MethodPlan plan = svite.plan(DeiTConfig.mini());           // what it makes of the model
 * try (ImageData data = TrainingRun.openData(recipe)) {
 *     TrainResult result = new TrainingRun(recipe, data, Device.cpu(), System.err).run(svite, null);
 * }
 * }</pre>
 *
 * <p>A method receives a {@link MethodContext} that builds models and runs training phases with the
 * shared loop (AdamW, warm-up and cosine learning rate, label smoothing, evaluation every epoch),
 * and it decides what happens around them: which training-config decorations a phase uses (a
 * {@code SparseTrainer}, a structured engine, a pruning schedule), what happens between phases
 * (one-shot pruning, compaction), and which model and costs it ends with.
 */
public interface TrainingMethod {

    /**
     * The method's name on the command line, e.g. {@code svite}.
     *
     * @return the name
     */
    String name();

    /**
     * The architecture to train, given the one the recipe asks for (a method may change it, e.g. a
     * shallower DeiT for a small dense baseline).
     *
     * @param requested the recipe's architecture
     * @return the architecture to build
     */
    default DeiTConfig architecture(DeiTConfig requested) {
        return requested;
    }

    /**
     * Checks the method's settings against the run before anything is trained or written (e.g. an
     * update schedule that ends after the run's last step, a budget that leaves a block without a
     * head); the default accepts everything.
     *
     * @param recipe the run's recipe
     * @param architecture the architecture {@link #architecture} returned
     * @param stepsPerEpoch optimizer steps in one epoch
     * @throws IllegalArgumentException naming the bad setting and what is allowed
     */
    default void check(TrainRecipe recipe, DeiTConfig architecture, long stepsPerEpoch) {}

    /**
     * What the method would make of a model, without training: per-layer densities or block
     * shapes, parameters, MACs and savings. The default plans the architecture {@link #architecture}
     * trains, dense.
     *
     * @param requested the architecture the recipe asks for (with its token selection, if any)
     * @return the plan
     * @throws IllegalArgumentException if the method's settings do not fit the architecture
     */
    default MethodPlan plan(DeiTConfig requested) {
        return LayerPlan.of(name(), architecture(requested), SparsityDistribution.uniform(0));
    }

    /**
     * Trains, in one or more phases of {@code ctx}, and returns the final model and its costs.
     *
     * @param ctx the run's context; models it creates are closed when the run ends
     * @return the outcome
     * @throws IOException if data or files cannot be read or written
     */
    MethodOutcome train(MethodContext ctx) throws IOException;

    /**
     * The method's settings for reports and the run folder, as JSON.
     *
     * @return the settings, empty for none
     */
    default JsonObject settings() {
        return new JsonObject();
    }

    /**
     * One line describing the method's settings for the text report, or null for none.
     *
     * @return the description
     */
    default String describe() {
        return null;
    }
}
