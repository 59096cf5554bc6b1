package io.svite.core.schedule;

/**
 * One pruning event: at {@code step}, prune until the selected weights have {@code sparsity}.
 *
 * <p>Step t ≥ 1 happens in the t-th {@code onTrainingBatch}, after that batch's backward pass and
 * before its optimizer step (so a gradient criterion sees the batch). Step 0 happens when training
 * begins, before the first forward pass, on the weights the model already has (a trained model).
 *
 * @param step the step, 0 for "before the first forward pass"
 * @param sparsity the overall sparsity of the selected weights after the event, in [0, 1)
 */
public record PruningEvent(long step, double sparsity) {

    /** Validates both values. */
    public PruningEvent {
        if (step < 0) {
            throw new IllegalArgumentException("pruning event step must be >= 0, got " + step);
        }
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("pruning event sparsity must be in [0, 1), got " + sparsity);
        }
    }
}
