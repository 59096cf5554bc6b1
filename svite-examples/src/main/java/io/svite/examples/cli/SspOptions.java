package io.svite.examples.cli;

import io.svite.models.methods.SspMethod;

import picocli.CommandLine.Option;

/**
 * The options of {@code --method ssp} (structured salience pruning) and their parsing; the budget
 * comes from the S2ViTE options ({@code --heads}/{@code --neurons} or {@code
 * --structured-sparsity}), the dense epochs from {@code --dense-epochs}.
 */
final class SspOptions {

    @Option(names = "--salience", paramLabel = "KIND", description = "ssp: how heads and neurons are scored: taylor (|g·∂L/∂g| of the gates summed over --salience-batches training batches; default) or l1 (L1 norm of each unit's weights: fc1 row + fc2 column, q/k/v rows + proj columns).")
    String salience;

    @Option(names = "--salience-batches", paramLabel = "N", description = "ssp --salience taylor: training batches the Taylor scores are summed over, at most one epoch (default: " + SspMethod.DEFAULT_SCORE_BATCHES + ").")
    Integer batches;

    /**
     * The salience of {@code --salience}.
     *
     * @return the salience
     */
    SspMethod.Salience salience() {
        String kind = salience == null ? "taylor" : salience;
        switch (kind) {
            case "taylor":
                return SspMethod.Salience.TAYLOR;
            case "l1":
                return SspMethod.Salience.L1;
            default:
                throw new IllegalArgumentException("unknown --salience '" + kind + "'; use taylor or l1");
        }
    }

    /**
     * The batches of {@code --salience-batches}.
     *
     * @return the count, at least 1
     */
    int batches() {
        if (batches != null && salience() != SspMethod.Salience.TAYLOR) {
            throw new IllegalArgumentException("--salience-batches applies to --salience taylor, not --salience " + salience);
        }
        if (batches != null && batches < 1) {
            throw new IllegalArgumentException("--salience-batches must be >= 1, got " + batches);
        }
        return batches == null ? SspMethod.DEFAULT_SCORE_BATCHES : batches;
    }

    /**
     * Refuses these options on another method.
     *
     * @param method the chosen method
     * @throws IllegalArgumentException naming the first option given
     */
    void requireFor(String method) {
        if (method.equals("ssp")) {
            return;
        }
        if (salience != null) {
            throw new IllegalArgumentException("--salience applies to --method ssp, not --method " + method);
        }
        if (batches != null) {
            throw new IllegalArgumentException("--salience-batches applies to --method ssp, not --method " + method);
        }
    }
}
