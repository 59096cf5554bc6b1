package io.svite.models.methods;

/**
 * How a multi-phase method shares the recipe's epochs: dense training (or, for the soft-mask
 * searches, the search) and fine-tuning with the mask fixed.
 *
 * @param dense epochs of dense training (or of the search) before pruning, at least 1
 * @param finetune epochs of fine-tuning after pruning, at least 1
 */
public record EpochSplit(int dense, int finetune) {

    /** Validates both counts. */
    public EpochSplit {
        if (dense < 1 || finetune < 1) {
            throw new IllegalArgumentException(
                    "a one-shot method needs at least 1 dense and 1 fine-tuning epoch, got " + dense + " and " + finetune);
        }
    }

    /**
     * Splits {@code epochs}: {@code denseEpochs} dense (0 = half, rounded down), the rest fine-tuning.
     *
     * @param method the method's name, for messages
     * @param epochs the recipe's epochs
     * @param denseEpochs the requested dense epochs, 0 for half
     * @return the split
     * @throws IllegalArgumentException naming the values when either part would be empty
     */
    public static EpochSplit of(String method, int epochs, int denseEpochs) {
        if (denseEpochs < 0) {
            throw new IllegalArgumentException("--dense-epochs must be >= 1 (or 0 for half of --epochs), got " + denseEpochs);
        }
        if (epochs < 2) {
            throw new IllegalArgumentException(
                    method + " trains dense, prunes once, then fine-tunes: it needs --epochs 2 or more, got " + epochs);
        }
        int dense = denseEpochs == 0 ? epochs / 2 : denseEpochs;
        if (dense >= epochs) {
            throw new IllegalArgumentException(
                    "--dense-epochs " + dense + " leaves no fine-tuning epoch of --epochs " + epochs
                            + "; use at most " + (epochs - 1));
        }
        return new EpochSplit(dense, epochs - dense);
    }

    /**
     * Splits {@code epochs} of a soft-mask search (ViT-Slim, VTP): {@code searchEpochs} of search
     * (0 = half, rounded down), the rest fine-tuning.
     *
     * @param method the method's name, for messages
     * @param epochs the recipe's epochs
     * @param searchEpochs the requested search epochs, 0 for half
     * @return the split
     * @throws IllegalArgumentException naming the values when either part would be empty
     */
    public static EpochSplit ofSearch(String method, int epochs, int searchEpochs) {
        if (searchEpochs < 0) {
            throw new IllegalArgumentException(
                    "--search-epochs must be >= 1 (or left out for half of --epochs), got " + searchEpochs);
        }
        if (epochs < 2) {
            throw new IllegalArgumentException(
                    method + " searches masks, compacts, then fine-tunes: it needs --epochs 2 or more, got " + epochs);
        }
        int search = searchEpochs == 0 ? epochs / 2 : searchEpochs;
        if (search >= epochs) {
            throw new IllegalArgumentException(
                    "--search-epochs " + search + " leaves no fine-tuning epoch of --epochs " + epochs + "; use at most "
                            + (epochs - 1));
        }
        return new EpochSplit(search, epochs - search);
    }
}
