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
import io.svite.models.tokens.TokenSelection;

import ai.djl.engine.Engine;

import java.io.IOException;

/**
 * SViTE+, SViTE with data sparsity: a learned token selector keeps 70 % of the patch tokens of every
 * image (Gumbel top-k while training, the deterministic top-k when evaluating), so every block runs
 * on a shorter sequence, and SViTE's masks make half of the selected weights zero. Token selection is
 * part of the recipe; any method trains with it.
 *
 * <pre>{@code
 * TrainResult result = TrainSvitePlus.runExample(new String[] {"--epochs", "2", "--out", "runs/sviteplus"});
 * }</pre>
 */
public final class TrainSvitePlus {

    private TrainSvitePlus() {}

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
     * Plans and trains SViTE+, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe().withTokens(TokenSelection.ratio(0.7));
        TrainingMethod method = new SviteMethod(SviteRecipe.defaults(0.5, recipe.seed()));
        DeiTConfig architecture = DeiTConfig.preset(recipe.model()).withTokenSelection(recipe.tokens());
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
