package io.svite.examples;

import io.svite.core.data.ImageData;
import io.svite.core.structured.UnitBudget;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.methods.EpochSplit;
import io.svite.models.methods.SspMethod;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.run.TrainReport;
import io.svite.models.run.TrainResult;
import io.svite.models.run.TrainingRun;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.util.Map;

/**
 * SSP, structured salience pruning: half of the epochs train dense, every head and MLP neuron is then
 * scored once (|g · ∂L/∂g| of its gate over 20 batches), each block keeps 2 of its 3 heads and half
 * of its neurons, and the compacted model fine-tunes for the rest. It needs 2 or more epochs.
 *
 * <pre>{@code
 * TrainResult result = TrainSsp.runExample(new String[] {"--epochs", "2", "--out", "runs/ssp"});
 * }</pre>
 */
public final class TrainSsp {

    private TrainSsp() {}

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
     * Plans and trains SSP, prints the report and returns what the run measured.
     *
     * @param args see {@link Arguments}
     * @return the run's result
     * @throws IOException if data or files cannot be read or written
     */
    public static TrainResult runExample(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        TrainRecipe recipe = arguments.recipe();
        UnitBudget budget = UnitBudget.fractions(Map.of(DeiTUnits.HEADS, 2.0 / 3, DeiTUnits.NEURONS, 0.5));
        TrainingMethod method = new SspMethod(budget, SspMethod.Salience.TAYLOR, EpochSplit.of("ssp", recipe.epochs(), 0),
                SspMethod.DEFAULT_SCORE_BATCHES);
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
