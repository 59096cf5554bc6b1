package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.methods.S2viteMethod;
import io.svite.models.methods.S2viteRecipe;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * S2ViTE, structured dynamic sparse training: every block keeps ⌊0.7·H⌋ attention heads and
 * ⌊0.6·M⌋ MLP neurons through gates, prune-and-grow updates move them (heads by their Taylor
 * score, neurons by their weights' L1 norm), and the run ends with the compacted, smaller dense DeiT.
 *
 * <pre>{@code
 * TrainResult result = TrainS2vite.runExample(new String[] {"--epochs", "2", "--out", "runs/s2vite"});
 * }</pre>
 */
public final class TrainS2vite {

    private TrainS2vite() {}

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
     * Plans and trains S2ViTE, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        TrainingMethod method = new S2viteMethod(S2viteRecipe.defaults(0.7, 0.6, recipe.seed()));
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
