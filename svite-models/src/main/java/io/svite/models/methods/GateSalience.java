package io.svite.models.methods;

import io.svite.core.data.InputSpec;
import io.svite.core.data.SeededSampler;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitScores;
import io.svite.core.training.ExitGuard;
import io.svite.core.training.LabelSmoothingLoss;
import io.svite.models.deit.DeiT;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Taylor salience of every head and neuron of a trained model: |g ⊙ ∂L/∂g| of the unit gates,
 * summed over the first {@code batches} training batches of the run's seeded order.
 *
 * <p>The pass is deterministic, so a resumed run recomputes the same scores from the restored
 * weights: the batches come from a fresh {@link SeededSampler} with the run's seed (the order of
 * the first training epoch), the forward pass runs in evaluation mode (no drop-path, no engine
 * randomness), and nothing is trained. Only the gates require a gradient during the pass (every
 * parameter's freeze state is put back afterwards), the sums stay on the device and are read back
 * once at the end.
 */
final class GateSalience {

    private GateSalience() {}

    /**
     * Sums the gate Taylor scores of the groups over batches.
     *
     * @param ctx the run's context (data, recipe, device)
     * @param model the trained model
     * @param groups the model's unit groups
     * @param batches how many training batches to sum over, at least 1 (fewer if the split is smaller)
     * @return one score array per group, in order
     */
    static List<float[]> taylor(MethodContext ctx, Model model, List<UnitGroup> groups, long batches) {
        DeiT deit = (DeiT) model.getBlock();
        Device device = ctx.device();
        Loss loss = new LabelSmoothingLoss((float) ctx.recipe().labelSmoothing());
        Map<Parameter, Boolean> frozen = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : deit.getParameters()) {
            frozen.put(p.getValue(), !p.getValue().requiresGradient());
            p.getValue().freeze(true);
        }
        groups.forEach(g -> g.gate().freeze(false));
        InputSpec input = new InputSpec(deit.config().imageSize(), deit.config().channels());
        RandomAccessDataset train =
                ctx.data().train(input, new SeededSampler(ctx.recipe().batchSize(), true, ctx.recipe().seed()));
        try (NDManager scope = model.getNDManager().newSubManager(device)) {
            List<NDArray> sums = new ArrayList<>();
            for (UnitGroup g : groups) {
                sums.add(scope.zeros(new Shape(g.units()), DataType.FLOAT32));
            }
            long done = 0;
            for (Batch batch : batches(train, scope, ctx)) {
                try (batch; NDManager step = scope.newSubManager()) {
                    ExitGuard.stopIfExiting("salience batch " + (done + 1));
                    backward(deit, loss, batch, step, device, model);
                    for (int i = 0; i < groups.size(); i++) {
                        sums.get(i).addi(UnitScores.gateTaylor(groups.get(i), step).toType(DataType.FLOAT32, false));
                    }
                }
                if (++done >= batches) {
                    break;
                }
            }
            List<float[]> out = new ArrayList<>();
            for (NDArray s : sums) {
                out.add(s.toFloatArray());
            }
            return out;
        } finally {
            frozen.forEach((p, wasFrozen) -> p.freeze(wasFrozen));
        }
    }

    private static void backward(DeiT deit, Loss loss, Batch batch, NDManager step, Device device, Model model) {
        NDList x = batch.getData().toDevice(device, false);
        NDArray labels = batch.getLabels().head().toDevice(device, false);
        try (GradientCollector collector = model.getNDManager().getEngine().newGradientCollector()) {
            NDList logits = deit.forward(new ParameterStore(step, false), x, false);
            NDArray l = loss.evaluate(new NDList(labels), logits);
            collector.backward(l);
        }
    }

    private static Iterable<Batch> batches(RandomAccessDataset train, NDManager manager, MethodContext ctx) {
        try {
            return train.getData(manager);
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot read " + ctx.data().name() + ": " + e.getMessage(), e);
        }
    }
}
