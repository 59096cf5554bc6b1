package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.VtpMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * VTP, vision transformer pruning: soft gates on the dimensions qkv and fc1 read are searched under an
 * ℓ1 penalty for half of the epochs, each input then loses the half of its dimensions with the smallest
 * gates, and the compacted model fine-tunes for the rest. It needs 2 or more epochs.
 *
 * <pre>{@code
 * TrainResult result = TrainVtp.runExample(new String[] {"--epochs", "2", "--out", "runs/vtp"});
 * }</pre>
 */
public final class TrainVtp {

    private TrainVtp() {}

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
     * Plans and trains VTP, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = new VtpMethod(VtpMethod.DEFAULT_L1, VtpMethod.DEFAULT_RATIO, Double.NaN,
                EpochSplit.ofSearch("vtp", recipe.epochs(), 0));
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
