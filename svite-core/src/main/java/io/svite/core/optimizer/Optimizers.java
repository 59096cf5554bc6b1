package io.svite.core.optimizer;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;

import java.util.function.Predicate;

/**
 * Factories for the project's own optimizers: AdamW and SGD (plain or with momentum), DJL {@code
 * Optimizer}s whose state the sparsity engine can see ({@link StatefulOptimizer}).
 *
 * <pre>{@code
 * Optimizer adamW = Optimizers.adamW()
 *         .learningRate(Tracker.cosine().setBaseValue(1e-3f).setMaxUpdates(steps).build())
 *         .weightDecay(0.05f)
 *         .decayWeightsOnly(model.getBlock())   // DeiT: no decay on biases, norms, cls/pos, gates
 *         .build();                             // momentum policy RESET unless told otherwise
 * }</pre>
 */
public final class Optimizers {

    private Optimizers() {}

    /**
     * A builder for AdamW; defaults as DJL's {@code Optimizer.adamW()}: learning rate 1e-3, β₁ 0.9,
     * β₂ 0.999, ε 1e-8, weight decay 0.01 on every parameter; momentum policy {@link
     * MomentumPolicy#RESET}.
     *
     * @return a new builder
     */
    public static AdamWBuilder adamW() {
        return new AdamWBuilder();
    }

    /**
     * A builder for SGD; the learning rate is required; defaults: momentum 0 (plain SGD), weight
     * decay 0, momentum policy {@link MomentumPolicy#RESET}.
     *
     * @return a new builder
     */
    public static SgdBuilder sgd() {
        return new SgdBuilder();
    }

    /**
     * The settings both optimizers share.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {

        private ParameterTracker learningRate;
        private float weightDecay;
        private DecaySelection decay = DecaySelection.all();
        private MomentumPolicy policy = MomentumPolicy.RESET;

        Builder(ParameterTracker learningRate, float weightDecay) {
            this.learningRate = learningRate;
            this.weightDecay = weightDecay;
        }

        abstract B self();

        /**
         * Sets the learning rate schedule; it is asked once per training step, for the optimizer's
         * step (1 at the first step).
         *
         * @param learningRate a DJL tracker, e.g. {@code Tracker.fixed(1e-3f)}
         * @return this builder
         */
        public B learningRate(ParameterTracker learningRate) {
            if (learningRate == null) {
                throw new IllegalArgumentException("learning rate tracker must not be null");
            }
            this.learningRate = learningRate;
            return self();
        }

        /**
         * Sets a constant learning rate.
         *
         * @param learningRate η &gt; 0
         * @return this builder
         */
        public B learningRate(float learningRate) {
            if (!(learningRate > 0 && Float.isFinite(learningRate))) {
                throw new IllegalArgumentException(
                        "learning rate must be finite and > 0, got " + learningRate);
            }
            return learningRate(Tracker.fixed(learningRate));
        }

        /**
         * Sets the weight decay rate λ (decoupled for AdamW, L2 in the gradient for SGD).
         *
         * @param weightDecay λ ≥ 0
         * @return this builder
         */
        public B weightDecay(float weightDecay) {
            if (!(weightDecay >= 0 && Float.isFinite(weightDecay))) {
                throw new IllegalArgumentException(
                        "weight decay must be finite and >= 0, got " + weightDecay);
            }
            this.weightDecay = weightDecay;
            return self();
        }

        /**
         * Decays only the parameters of type {@code Parameter.Type.WEIGHT}, as DeiT trains: no
         * decay on biases, norm scales and shifts, class token, position embedding or gates. The
         * block's parameters are read now (their ids exist from construction), so the optimizer
         * only trains this model.
         *
         * @param block the model's block
         * @return this builder
         */
        public B decayWeightsOnly(Block block) {
            return decayWhere(block, p -> p.getType() == Parameter.Type.WEIGHT);
        }

        /**
         * Decays exactly the parameters of {@code block} that {@code decays} accepts; the block's
         * parameters are read now. Without a selection every parameter decays (DJL's behaviour).
         *
         * @param block the model's block
         * @param decays true for a parameter that decays
         * @return this builder
         */
        public B decayWhere(Block block, Predicate<Parameter> decays) {
            if (block == null) {
                throw new IllegalArgumentException("block for the weight-decay selection is null");
            }
            if (decays == null) {
                throw new IllegalArgumentException("weight-decay predicate is null");
            }
            this.decay = DecaySelection.of(block, decays);
            return self();
        }

        /**
         * Sets what happens to the state of entries that are pruned or grown: {@link
         * MomentumPolicy#RESET} (the default, as RigL) or {@link MomentumPolicy#KEEP} (as the SViTE
         * reference code does for AdamW).
         *
         * @param policy the policy
         * @return this builder
         */
        public B momentumPolicy(MomentumPolicy policy) {
            if (policy == null) {
                throw new IllegalArgumentException(
                        "momentum policy is null; use RESET or KEEP");
            }
            this.policy = policy;
            return self();
        }

        OptimizerSettings settings() {
            if (learningRate == null) {
                throw new IllegalStateException(
                        "no learning rate: call learningRate(...) before build()");
            }
            return new OptimizerSettings(learningRate, weightDecay, decay, policy);
        }

        /**
         * Builds the optimizer; the builder can be reused.
         *
         * @return a new optimizer with fresh state
         */
        public abstract StatefulOptimizer build();
    }

    /** Builds AdamW with decoupled weight decay. */
    public static final class AdamWBuilder extends Builder<AdamWBuilder> {

        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;

        AdamWBuilder() {
            super(Tracker.fixed(0.001f), 0.01f);
        }

        @Override
        AdamWBuilder self() {
            return this;
        }

        /**
         * Sets the decay rates of the first and second moment estimates.
         *
         * @param beta1 β₁ in [0, 1)
         * @param beta2 β₂ in [0, 1)
         * @return this builder
         */
        public AdamWBuilder betas(float beta1, float beta2) {
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets ε, added to √v for numerical stability.
         *
         * @param epsilon ε &gt; 0
         * @return this builder
         */
        public AdamWBuilder epsilon(float epsilon) {
            if (!(epsilon > 0 && Float.isFinite(epsilon))) {
                throw new IllegalArgumentException(
                        "epsilon must be finite and > 0, got " + epsilon);
            }
            this.epsilon = epsilon;
            return this;
        }

        @Override
        public StatefulOptimizer build() {
            return new AdamWOptimizer(settings(), beta1, beta2, epsilon);
        }
    }

    /** Builds SGD, plain or with momentum, with L2 weight decay. */
    public static final class SgdBuilder extends Builder<SgdBuilder> {

        private float momentum;

        SgdBuilder() {
            super(null, 0f);
        }

        @Override
        SgdBuilder self() {
            return this;
        }

        /**
         * Sets the momentum μ; 0 is plain SGD (no state).
         *
         * @param momentum μ in [0, 1)
         * @return this builder
         */
        public SgdBuilder momentum(float momentum) {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        @Override
        public StatefulOptimizer build() {
            return new SgdOptimizer(settings(), momentum);
        }
    }
}
