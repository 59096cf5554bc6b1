package io.svite.models.methods;

import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.structured.UnitBudget;
import io.svite.core.structured.UnitGroup;
import io.svite.core.structured.UnitScores;
import io.svite.models.compact.Compactor;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.DeiTUnits;
import io.svite.models.io.DeiTFiles;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SSP, structured salience pruning: train dense, score every attention head and MLP neuron of the
 * trained model once, keep the highest-scoring units of each block to a structured budget, compact
 * the model into the smaller dense DeiT and fine-tune it (see {@code docs/baselines.md}).
 *
 * <p>Scores ({@link Salience}): the Taylor score |g ⊙ ∂L/∂g| of the unit gates summed over a
 * number of training batches ({@link GateSalience}), or the L1 norm of each unit's weights (a
 * neuron's fc1 row and fc2 column, a head's q, k, v rows and proj columns; {@link
 * UnitScores#weightL1}). Each block keeps exactly the counts the {@link UnitBudget} gives it (the
 * same budgets as S2ViTE: {@code --heads}/{@code --neurons} or one structured sparsity), so the
 * compacted architecture is known before training ({@link #compactedArchitecture}).
 *
 * <p>Phases: {@code dense} for {@link EpochSplit#dense()} epochs on the full model, then {@code
 * finetune} on the compacted one; the scoring, gate setting and compaction between them depend
 * only on the restored weights and the run's seed, so a resumed run rebuilds the same compacted
 * model. The outcome's model is the compacted one; the run folder also holds every group's scores
 * and kept units ({@value #UNITS}) and the dense phase's model with its gates set ({@value #GATED}/).
 */
public final class SspMethod implements TrainingMethod {

    /** The kept units and scores of every group, in a run folder. */
    public static final String UNITS = "ssp-units.json";

    /** The folder of the pruned, uncompacted model (the dense phase's weights with 0/1 gates) in a run folder. */
    public static final String GATED = RunFiles.GATED;

    /** Default number of training batches the Taylor scores are summed over. */
    public static final int DEFAULT_SCORE_BATCHES = 20;

    /** How units are scored. */
    public enum Salience {
        /** |g ⊙ ∂L/∂g| of the gates, summed over batches. */
        TAYLOR,
        /** Σ |w| over each unit's weight slices. */
        L1;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SspMethod.class);

    private final UnitBudget budget;
    private final Salience salience;
    private final EpochSplit split;
    private final int scoreBatches;

    /** One group's scores and kept units. */
    record Group(String name, float[] scores, List<Integer> kept) {}

    /**
     * Creates the method.
     *
     * @param budget how many heads and neurons each block keeps
     * @param salience how units are scored
     * @param split dense and fine-tuning epochs
     * @param scoreBatches training batches the Taylor scores are summed over (bounded by one epoch), at least 1
     */
    public SspMethod(UnitBudget budget, Salience salience, EpochSplit split, int scoreBatches) {
        if (budget == null || salience == null || split == null) {
            throw new IllegalArgumentException("ssp needs a budget, a salience and an epoch split");
        }
        if (scoreBatches < 1) {
            throw new IllegalArgumentException("the Taylor score needs at least 1 batch, got " + scoreBatches);
        }
        this.budget = budget;
        this.salience = salience;
        this.split = split;
        this.scoreBatches = scoreBatches;
    }

    @Override
    public String name() {
        return "ssp";
    }

    /**
     * The architecture of the compacted model a budget gives a dense DeiT.
     *
     * @param dense the dense architecture
     * @param budget the structured budget
     * @return the compacted architecture
     * @throws IllegalArgumentException if the budget leaves a block without a head or neuron
     */
    public static DeiTConfig compactedArchitecture(DeiTConfig dense, UnitBudget budget) {
        return S2viteMethod.compactedArchitecture(dense, budget);
    }

    @Override
    public void check(TrainRecipe recipe, DeiTConfig architecture, long stepsPerEpoch) {
        compactedArchitecture(architecture, budget);
    }

    /** The compacted model SSP fine-tunes: dense, with the budget's heads and neurons; exact. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return LayerPlan.of("SSP " + budget + ", compacted", compactedArchitecture(requested, budget),
                SparsityDistribution.uniform(0));
    }

    @Override
    public MethodOutcome train(MethodContext ctx) throws IOException {
        Model dense = ctx.newModel(ctx.architecture());
        ctx.train(dense, TrainingPhase.plain("dense", split.dense()));
        DeiT gated = (DeiT) dense.getBlock();
        List<UnitGroup> groups = DeiTUnits.declaration().groups(gated);
        int[] counts = budget.counts(groups);
        List<float[]> scores = scores(ctx, dense, groups);
        List<Group> result = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            List<Integer> kept = UnitScores.keep(scores.get(i), counts[i]);
            UnitScores.setGate(groups.get(i), kept);
            result.add(new Group(groups.get(i).name(), scores.get(i), kept));
        }
        Model compacted = ctx.adopt(Model.newInstance("deit", ctx.device()));
        compacted.setBlock(Compactor.compact(gated, compacted.getNDManager()));
        LOG.info("SSP kept {} by {} salience", ((DeiT) compacted.getBlock()).config().blocks(), salience);
        ctx.train(compacted, TrainingPhase.plain("finetune", split.finetune()));
        String units = unitsJson(result);
        return new MethodOutcome(compacted, Map.of(), null, dir -> {
            DeiTFiles.save(dense, dir.resolve(GATED));
            RunFiles.writeAtomically(dir.resolve(UNITS), units);
        });
    }

    private List<float[]> scores(MethodContext ctx, Model model, List<UnitGroup> groups) {
        if (salience == Salience.TAYLOR) {
            return GateSalience.taylor(ctx, model, groups, Math.min(scoreBatches, ctx.batchesPerEpoch()));
        }
        List<float[]> out = new ArrayList<>();
        try (NDManager scope = model.getNDManager().newSubManager(ctx.device())) {
            for (UnitGroup g : groups) {
                out.add(UnitScores.weightL1(g, scope).toFloatArray());
            }
        }
        return out;
    }

    static String unitsJson(List<Group> groups) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "svite-ssp-units");
        o.addProperty("formatVersion", 1);
        JsonArray arr = new JsonArray();
        for (Group g : groups) {
            JsonObject j = new JsonObject();
            j.addProperty("name", g.name());
            j.addProperty("units", g.scores().length);
            JsonArray kept = new JsonArray();
            g.kept().forEach(kept::add);
            j.add("activeUnits", kept);
            JsonArray scores = new JsonArray();
            for (float s : g.scores()) {
                scores.add(s);
            }
            j.add("scores", scores);
            arr.add(j);
        }
        o.add("groups", arr);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("budget", budget.toString());
        o.addProperty("salience", salience.toString());
        if (salience == Salience.TAYLOR) {
            o.addProperty("scoreBatches", scoreBatches);
        }
        o.addProperty("denseEpochs", split.dense());
        o.addProperty("finetuneEpochs", split.finetune());
        return o;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s, %s salience%s after %d dense epoch(s), compacted, %d fine-tuning", budget,
                salience, salience == Salience.TAYLOR ? " over " + scoreBatches + " batches" : "", split.dense(),
                split.finetune());
    }
}
