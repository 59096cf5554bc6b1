package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.distribution.PruningScope;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.GradualPruning;
import io.svite.models.methods.TaylorMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * TP, Taylor pruning: weights are ranked by |w · ∂L/∂w| summed over the batches before each event
 * (one epoch), and the lowest are pruned by one global ranking on GMP's cubic schedule, to sparsity 0.5.
 *
 * <pre>{@code
 * TrainResult result = TrainTaylor.runExample(new String[] {"--epochs", "2", "--out", "runs/taylor"});
 * }</pre>
 */
public final class TrainTaylor {

    private TrainTaylor() {}

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
     * Plans and trains Taylor pruning, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = TaylorMethod.gradual(0.5, PruningScope.global(), GradualPruning.defaults(), 0);
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
