package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.distribution.PruningScope;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.GmpMethod;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * GMP, gradual magnitude pruning (Zhu &amp; Gupta): one training run during which every layer's smallest
 * weights are pruned at 20 events on a cubic schedule from 1/6 to 1/2 of the steps, to sparsity 0.5.
 *
 * <pre>{@code
 * TrainResult result = TrainGmp.runExample(new String[] {"--epochs", "2", "--out", "runs/gmp"});
 * }</pre>
 */
public final class TrainGmp {

    private TrainGmp() {}

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
     * Plans and trains GMP, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = new GmpMethod(0.5, PruningScope.uniform(), GradualPruning.defaults());
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
