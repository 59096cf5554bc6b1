package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.SviteMethod;
import io.svite.models.methods.SviteRecipe;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * SViTE, unstructured dynamic sparse training: half of the selected weights are zero from the first
 * step, spread over the layers by Erdős–Rényi-Kernel, and prune-and-grow updates move the masks
 * every total/20 steps until 80 % of the run (the cosine-decayed fraction α = 0.5 replaced each time).
 *
 * <pre>{@code
 * TrainResult result = TrainSvite.runExample(new String[] {"--epochs", "2", "--out", "runs/svite"});
 * }</pre>
 */
public final class TrainSvite {

    private TrainSvite() {}

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
     * Plans and trains SViTE, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = new SviteMethod(SviteRecipe.defaults(0.5, recipe.seed()));
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
