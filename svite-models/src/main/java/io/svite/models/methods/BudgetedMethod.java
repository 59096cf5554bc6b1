package io.svite.models.methods;

import java.util.List;

/**
 * A training method put at a parameter budget by {@link Methods#at}.
 *
 * @param name the method's registry name, e.g. {@code omp}
 * @param method the method, every setting but the budget's at its default
 * @param options the settings that put it at the budget, in the command line's words (e.g. {@code
 *     [--sparsity, 0.5]}), empty for dense
 */
public record BudgetedMethod(String name, TrainingMethod method, List<String> options) {

    /** Copies the options. */
    public BudgetedMethod {
        options = List.copyOf(options);
    }
}
