package io.svite.models.tokens;

import io.svite.models.deit.DeiT;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Which patches a DeiT's token selector keeps for a few fixed images, as it stands: the
 * evaluation-mode selection (deterministic top-k of the scores, no Gumbel noise), so a snapshot is
 * a function of the weights alone and taking one changes nothing about training (no random draw,
 * no gradient, no state). The run pipeline takes one when training begins and after every epoch,
 * for the picture of how the selection moved.
 */
public final class TokenSnapshots {

    private TokenSnapshots() {}

    /**
     * The patches the selector keeps for every image, now.
     *
     * @param deit an initialised DeiT with a token selector
     * @param images the model's inputs (B, C, S, S), on the device of the model's parameters
     * @return per image the kept patch indices (row-major over the patch grid), increasing
     * @throws IllegalArgumentException if the model has no token selector
     */
    public static List<List<Integer>> kept(DeiT deit, NDArray images) {
        if (!deit.config().hasTokenSelection()) {
            throw new IllegalArgumentException(
                    "the model has no token selector; only a model built with a token selection keeps patches");
        }
        int batch = Math.toIntExact(images.getShape().get(0));
        long[] kept;
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray view = images.duplicate(); // the selection's temporaries follow their input into the scope
            view.attach(scope);
            kept = deit.keptPatchIndices(new ParameterStore(scope, false), view).toLongArray();
        }
        int k = kept.length / Math.max(1, batch);
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            List<Integer> row = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                row.add(Math.toIntExact(kept[b * k + j]));
            }
            out.add(List.copyOf(row));
        }
        return List.copyOf(out);
    }
}
