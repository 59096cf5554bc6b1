package io.svite.core.structured;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The implementations behind the factories of {@link UnitCriterion}. */
final class UnitCriteria {

    static final UnitCriterion TAYLOR = new Taylor();
    static final UnitCriterion WEIGHT_L1 = new WeightL1();
    static final UnitCriterion RANDOM = new RandomScore();

    private UnitCriteria() {}

    /** |∂L/∂g|, averaged over the score window. */
    record Taylor() implements UnitCriterion {
        @Override
        public NDArray score(UnitEvidence evidence) {
            return evidence.taylor();
        }

        @Override
        public String toString() {
            return "taylor";
        }
    }

    /** Σ |w| over the weight slices. */
    record WeightL1() implements UnitCriterion {
        @Override
        public NDArray score(UnitEvidence evidence) {
            return evidence.weightL1();
        }

        @Override
        public String toString() {
            return "weight-l1";
        }
    }

    /** U(0, 1) per unit. */
    record RandomScore() implements UnitCriterion {
        @Override
        public NDArray score(UnitEvidence evidence) {
            return evidence.scope()
                    .randomUniform(
                            0f, 1f, new Shape(evidence.group().units()), DataType.FLOAT32, evidence.scope().getDevice());
        }

        @Override
        public String toString() {
            return "random";
        }
    }
}
