package io.svite.models.deit;

import io.svite.core.RecipeBuilder;
import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.training.DecoratedTrainingConfig;
import io.svite.models.tokens.TemperatureListener;
import io.svite.models.tokens.TokenSelection;

import ai.djl.training.TrainingConfig;

import java.util.List;

/**
 * One recipe for a sparse DeiT: SViTE's weight masks, S2ViTE's head and neuron budgets and
 * SViTE+'s token budget together — the {@link SparseTrainer} recipe with DeiT's units declared and
 * the token selector added to the architecture.
 *
 * <pre>{@code
 * SparseDeiT recipe = SparseDeiT.builder()
 *         .erdosRenyiKernel(0.5)          // SViTE: half of the weights
 *         .heads(0.7).neurons(0.6)        // S2ViTE: 4 of 6 heads, 921 of 1536 neurons per DeiT-Small block
 *         .tokens(0.7)                    // SViTE+: 137 of 196 patches
 *         .build();
 * model.setBlock(DeiT.of(recipe.architecture(DeiTConfig.small())));
 * SparseTrainingConfig training = recipe.configure(base, totalSteps);
 * }</pre>
 *
 * <p>Every setter of {@link RecipeBuilder} is available (schedule, criteria, seeds). The token
 * budget changes the architecture — every block runs on the kept tokens — so it is applied by
 * {@link #architecture}; {@link #configure} adds the selector's temperature schedule (10 → 0.1 over
 * the run) to the training configuration.
 */
public final class SparseDeiT {

    private final SparseTrainer trainer;
    private final TokenSelection tokens;

    private SparseDeiT(SparseTrainer trainer, TokenSelection tokens) {
        this.trainer = trainer;
        this.tokens = tokens;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The architecture to train: the given one with the token budget's selector, if any.
     *
     * @param dense the DeiT to make sparse
     * @return the configuration to build the model from
     * @throws IllegalArgumentException if the budget keeps more tokens than the model has patches
     */
    public DeiTConfig architecture(DeiTConfig dense) {
        return tokens == null ? dense : dense.withTokenSelection(tokens);
    }

    /**
     * Decorates a training configuration for one run of {@code totalSteps} optimizer steps.
     *
     * @param config the user's configuration
     * @param totalSteps the run's steps (the updates end at 80 % of them; τ anneals over all)
     * @return the decorated configuration, whose {@code run()} reports masks and units
     */
    public SparseTrainingConfig configure(TrainingConfig config, long totalSteps) {
        TrainingConfig base = tokens == null ? config : new WithTemperature(config, totalSteps);
        return trainer.configure(base, totalSteps);
    }

    /**
     * The engine's recipe (masks and units).
     *
     * @return the recipe
     */
    public SparseTrainer trainer() {
        return trainer;
    }

    /**
     * The token budget.
     *
     * @return the selection, or null to keep every patch
     */
    public TokenSelection tokens() {
        return tokens;
    }

    /** A configuration with the selector's temperature listener appended. */
    private static final class WithTemperature extends DecoratedTrainingConfig {
        WithTemperature(TrainingConfig base, long totalSteps) {
            super(base, base.getOptimizer(), List.of(TemperatureListener.of(totalSteps)));
        }
    }

    /** Builds a {@link SparseDeiT}: {@link RecipeBuilder}'s setters plus heads, neurons and tokens. */
    public static final class Builder extends RecipeBuilder<Builder> {

        private TokenSelection tokens;
        private boolean heads;
        private boolean neurons;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Keeps a fraction of every block's attention heads active (S2ViTE).
         *
         * @param fraction in (0, 1]
         * @return this builder
         */
        public Builder heads(double fraction) {
            heads = true;
            return units(DeiTUnits.declaration()).keep(DeiTUnits.HEADS, fraction);
        }

        /**
         * Keeps a fraction of every block's MLP neurons active (S2ViTE).
         *
         * @param fraction in (0, 1]
         * @return this builder
         */
        public Builder neurons(double fraction) {
            neurons = true;
            return units(DeiTUnits.declaration()).keep(DeiTUnits.NEURONS, fraction);
        }

        /**
         * Keeps a fraction of the patch tokens of every image (SViTE+).
         *
         * @param fraction in (0, 1]
         * @return this builder
         */
        public Builder tokens(double fraction) {
            return tokens(TokenSelection.ratio(fraction));
        }

        /**
         * Any token selection: a ratio or a count of patches, the scorer and the τ schedule.
         *
         * @param selection the selection
         * @return this builder
         */
        public Builder tokens(TokenSelection selection) {
            if (selection == null) {
                throw new IllegalArgumentException("token selection must not be null");
            }
            this.tokens = selection;
            return this;
        }

        /**
         * Builds the recipe. A budget on heads alone keeps every neuron (and the other way round).
         *
         * @return the immutable recipe
         * @throws IllegalStateException if nothing but tokens is made sparse (train the architecture
         *     with a {@code TemperatureListener} then), or parts clash
         */
        public SparseDeiT build() {
            if (heads && !neurons) {
                neurons(1.0);
            } else if (neurons && !heads) {
                heads(1.0);
            }
            return new SparseDeiT(buildTrainer(), tokens);
        }
    }
}
