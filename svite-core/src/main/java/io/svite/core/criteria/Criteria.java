package io.svite.core.criteria;

import ai.djl.ndarray.NDArray;

/** The implementations behind the factories of {@link PruneCriterion} and {@link GrowCriterion}. */
final class Criteria {

    static final Magnitude MAGNITUDE = new Magnitude();
    static final GradientMagnitude GRADIENT_MAGNITUDE = new GradientMagnitude();
    static final RandomScore RANDOM = new RandomScore();
    static final Taylor TAYLOR = new Taylor();

    private Criteria() {}

    /** |W|. */
    record Magnitude() implements PruneCriterion {
        @Override
        public NDArray score(NDArray weight, NDArray gradient) {
            return weight.abs();
        }

        @Override
        public String toString() {
            return "magnitude";
        }
    }

    /** |W ⊙ ∂L/∂W|, computed in the weight's (scoped) manager. */
    record Taylor() implements PruneCriterion {
        @Override
        public NDArray score(NDArray weight, NDArray gradient) {
            return weight.mul(gradient).abs();
        }

        @Override
        public boolean usesGradient() {
            return true;
        }

        @Override
        public String toString() {
            return "taylor";
        }
    }

    /** |∂L/∂W|. */
    record GradientMagnitude() implements GrowCriterion {
        @Override
        public NDArray score(NDArray weight, NDArray gradient) {
            return gradient.abs();
        }

        @Override
        public String toString() {
            return "gradient";
        }
    }

    /** U(0, 1) per entry, from the engine's generator, created in the weight's (scoped) manager. */
    record RandomScore() implements PruneCriterion, GrowCriterion {
        @Override
        public NDArray score(NDArray weight, NDArray gradient) {
            return weight.getManager()
                    .randomUniform(0f, 1f, weight.getShape(), weight.getDataType(), weight.getDevice());
        }

        @Override
        public String toString() {
            return "random";
        }
    }
}
