package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.distribution.PruningScope;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.OmpMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * OMP, one-shot magnitude pruning: half of the epochs train dense, one global magnitude threshold then
 * prunes half of the selected weights (layers end with different densities), and the rest of the
 * epochs fine-tune with the mask fixed. It needs 2 or more epochs.
 *
 * <pre>{@code
 * TrainResult result = TrainOmp.runExample(new String[] {"--epochs", "2", "--out", "runs/omp"});
 * }</pre>
 */
public final class TrainOmp {

    private TrainOmp() {}

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
     * Plans and trains OMP, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method =
                new OmpMethod(0.5, PruningScope.global(), EpochSplit.of("omp", recipe.epochs(), 0));
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
