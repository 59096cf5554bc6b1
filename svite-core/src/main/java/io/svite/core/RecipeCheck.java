package io.svite.core;

/**
 * Checks that the parts of a recipe fit together before it is built, with one message per problem
 * that names the builder method to call (or not to call).
 */
final class RecipeCheck {

    private RecipeCheck() {}

    static void check(RecipeBuilder<?> b) {
        boolean weights = b.distribution != null;
        boolean units = b.units != null;
        boolean pruning = b.pruning != null;
        if (!weights && !units && !pruning) {
            if (b.unitBudget != null || !b.fractions.isEmpty()) {
                throw new IllegalStateException("units not set: call units(...) with the model's declaration of its"
                        + " unit groups (keep(...) and unitBudget(...) need it)");
            }
            throw new IllegalStateException(
                    "nothing to make sparse: call erdosRenyi(s), erdosRenyiKernel(s), uniform(s) or distribution(...)"
                            + " for the weights, units(...) with keep(...) for whole heads and neurons, or pruning(...)"
                            + " for a pruning schedule");
        }
        if (weights && pruning) {
            throw new IllegalStateException(
                    "erdosRenyi(s)/uniform(s)/distribution(...) and pruning(...) would both mask the weights: SViTE's"
                            + " masks are rewritten, a pruning schedule's only shrink; choose one");
        }
        if (units) {
            if (b.unitBudget != null && !b.fractions.isEmpty()) {
                throw new IllegalStateException("give either keep(family, fraction) or one unitBudget(...), not both");
            }
            if (b.unitBudget == null && b.fractions.isEmpty()) {
                throw new IllegalStateException(
                        "unit budget not set: call keep(family, fraction), unitSparsity(s) or unitBudget(...)");
            }
        } else if (!b.unitOptions.isEmpty()) {
            throw new IllegalStateException(
                    "units not set: call units(...) with the model's declaration (" + String.join(", ", b.unitOptions)
                            + " need it)");
        }
        if (b.grow != null && !weights) {
            throw new IllegalStateException(
                    "grow(criterion) scores the weights SViTE grows back; call erdosRenyi(s), erdosRenyiKernel(s),"
                            + " uniform(s) or distribution(...) too");
        }
        if (!pruning && !b.pruningOptions.isEmpty()) {
            throw new IllegalStateException(
                    String.join(", ", b.pruningOptions) + " belong(s) to a pruning schedule; call pruning(...) too");
        }
        if (b.schedule != null && !b.scheduleParts.isEmpty()) {
            throw new IllegalStateException(
                    "give either schedule(...) or updateEvery/from/until/totalSteps/pruneFraction/decay, not both");
        }
        if (!weights && !units && (b.schedule != null || !b.scheduleParts.isEmpty())) {
            throw new IllegalStateException(
                    "updateEvery/until/totalSteps/pruneFraction/decay/schedule(...) time SViTE's and S2ViTE's updates;"
                            + " a pruning schedule has its own events (pruning(...))");
        }
        if (pruning && b.prune.usesGradient() && !b.pruning.events().isEmpty() && b.pruning.events().get(0).step() == 0) {
            throw new IllegalStateException(
                    "the " + b.prune + " criterion reads gradients, and a pruning event at step 0 comes before"
                            + " any; prune at a step >= 1 (e.g. the last step of a dense phase)");
        }
        ScheduleSpec spec = b.spec();
        if (!spec.needsLength()) {
            spec.resolve(null); // an end before the start, or after the total, is refused now
        }
    }
}
