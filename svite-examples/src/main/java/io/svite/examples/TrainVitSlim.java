package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.VitSlimMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * ViT-Slim: soft masks on heads, neurons and patch positions are searched under one ℓ1 penalty for half
 * of the epochs, one global threshold then keeps at most half of the dense model's parameters, and
 * the compacted model fine-tunes for the rest. It needs 2 or more epochs.
 *
 * <pre>{@code
 * TrainResult result = TrainVitSlim.runExample(new String[] {"--epochs", "2", "--out", "runs/vitslim"});
 * }</pre>
 */
public final class TrainVitSlim {

    private TrainVitSlim() {}

    /**
     * Runs the example.
     *
     * @param args see {@link Arguments}
     * @throws IOException if data or files cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        runExample(args);
    }

    /**
     * Plans and trains ViT-Slim, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = new VitSlimMethod(VitSlimMethod.DEFAULT_L1, VitSlimMethod.DEFAULT_BUDGET, Measure.PARAMS,
                EpochSplit.ofSearch("vit-slim", recipe.epochs(), 0));
        DeiTConfig architecture = DeiTConfig.preset(recipe.model());
        System.out.print(method.plan(architecture).text(recipe.model()));
        try (ImageData data = TrainingRun.openData(recipe)) {
            TrainingRun run = new TrainingRun(recipe, data, Engine.getInstance().defaultDevice(), arguments.progress());
            TrainResult result = arguments.out() == null
                    ? run.run(method, null)
                    : run.runInto(method, arguments.out(), CheckpointPolicy.defaults(), null);
            System.out.print(TrainReport.text(result));
            return result;
        }
    }
}
