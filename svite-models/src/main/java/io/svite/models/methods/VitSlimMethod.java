package io.svite.models.methods;

import io.svite.models.compact.Compactor;
import io.svite.models.compact.GlobalThreshold;
import io.svite.models.compact.GlobalThreshold.Choice;
import io.svite.models.compact.GlobalThreshold.Measure;
import io.svite.models.compact.SoftGates;
import io.svite.models.compact.SoftGates.BlockGates;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.BlockShape;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTBlock;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;
import ai.djl.nn.Parameter;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ViT-Slim: soft masks on attention heads, MLP neurons and (by default) patch positions trained
 * jointly with the weights under one global ℓ1 penalty, one global threshold chosen to meet a parameter or MAC budget, then the
 * slimmed model compacted and re-trained (see {@code docs/vtp-vit-slim.md}).
 *
 * <p>Phases: {@code search} (the gates {@code head_gate}, {@code neuron_gate} and, with patches,
 * the model's {@code patch_gate} are unfrozen and trained by the run's AdamW, without weight decay,
 * under loss + λ·Σ|m| over all three kinds), then the threshold ({@link GlobalThreshold}): gates
 * with |m| ≤ τ become 0, the kept ones keep their value; the kept head and neuron values are folded
 * into proj's and fc2's columns ({@link SoftGates#fold}) and {@link Compactor} builds the smaller
 * DeiT (fewer heads and neurons, and only the kept patch positions, whose learned patch-gate values
 * it keeps), which {@code finetune} trains with frozen gates. The model after the
 * threshold (the masked model) is evaluated too ({@code maskedTestAccuracy}).
 */
public final class VitSlimMethod implements TrainingMethod {

    /** The masks file in a run folder: soft values, threshold and the kept architecture. */
    public static final String MASKS = "vit-slim-masks.json";

    /** λ of the ℓ1 penalty on the soft masks by default (ViT-Slim's and VTP's). */
    public static final double DEFAULT_L1 = 1e-4;

    /** The kept fraction of the dense cost by default. */
    public static final double DEFAULT_BUDGET = 0.5;

    private static final Logger LOG = LoggerFactory.getLogger(VitSlimMethod.class);

    private final double lambda;
    private final double budget;
    private final Measure measure;
    private final EpochSplit split;
    private final boolean patches;
    private Choice choice;
    private double maskedAccuracy = Double.NaN;

    /**
     * Creates the method.
     *
     * @param lambda λ of the ℓ1 penalty, ≥ 0
     * @param budget the kept fraction of the dense model's parameters or MACs, in (0, 1]
     * @param measure what the budget counts
     * @param split search epochs and fine-tuning epochs
     * @throws IllegalArgumentException for a negative or non-finite λ or a budget outside (0, 1]
     */
    public VitSlimMethod(double lambda, double budget, Measure measure, EpochSplit split) {
        this(lambda, budget, measure, split, true);
    }

    /**
     * Creates the method, with or without patch masks.
     *
     * @param lambda λ of the ℓ1 penalty, ≥ 0
     * @param budget the kept fraction of the dense model's parameters or MACs, in (0, 1]
     * @param measure what the budget counts
     * @param split search epochs and fine-tuning epochs
     * @param patches whether the patch positions are searched too (ViT-Slim's token dimension)
     * @throws IllegalArgumentException for a negative or non-finite λ or a budget outside (0, 1]
     */
    public VitSlimMethod(double lambda, double budget, Measure measure, EpochSplit split, boolean patches) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("--l1 (λ of the ℓ1 mask penalty) must be a finite value >= 0, got " + lambda);
        }
        if (!(budget > 0 && budget <= 1)) {
            throw new IllegalArgumentException("--slim-budget must be a fraction in (0, 1], got " + budget);
        }
        this.lambda = lambda;
        this.budget = budget;
        this.measure = measure;
        this.split = split;
        this.patches = patches;
    }

    @Override
    public String name() {
        return "vit-slim";
    }

    /** With patches searched, the requested architecture with a patch gate; refused with a token selection. */
    @Override
    public DeiTConfig architecture(DeiTConfig requested) {
        if (!patches) {
            return requested;
        }
        if (requested.hasTokenSelection()) {
            throw new IllegalArgumentException("vit-slim searches patch masks, which cannot be combined with a learned"
                    + " token selection (--tokens); drop --tokens or use --slim-dims heads,neurons");
        }
        return requested.withPatchGates(true);
    }

    /**
     * The smallest model a threshold can reach (one head and one neuron per block) must fit the
     * budget.
     */
    @Override
    public void check(TrainRecipe recipe, DeiTConfig architecture, long stepsPerEpoch) {
        if (recipe.epochs() != split.dense() + split.finetune()) {
            throw new IllegalArgumentException("vit-slim: search " + split.dense() + " + fine-tune " + split.finetune()
                    + " epochs differ from --epochs " + recipe.epochs());
        }
        smallestFits(architecture, budget, measure, patches);
    }

    /**
     * Refuses a budget below the cost of one head and one neuron per block.
     *
     * @param dense the architecture
     * @param budget the kept fraction
     * @param measure what it counts
     * @throws IllegalArgumentException naming the budget and the smallest reachable fraction
     */
    public static void smallestFits(DeiTConfig dense, double budget, Measure measure) {
        smallestFits(dense, budget, measure, false);
    }

    /**
     * Refuses a budget below the cost of one head and one neuron per block (and one patch position
     * when patches are searched).
     *
     * @param dense the architecture
     * @param budget the kept fraction
     * @param measure what it counts
     * @param patches whether patch positions are searched
     * @throws IllegalArgumentException naming the budget and the smallest reachable fraction
     */
    public static void smallestFits(DeiTConfig dense, double budget, Measure measure, boolean patches) {
        List<BlockShape> one = Collections.nCopies(dense.depth(), new BlockShape(1, 1));
        DeiTConfig smallestModel = dense.withBlocks(one);
        if (patches) {
            smallestModel = smallestModel.withTokenSelection(null).withPatchGates(true).withKeptPositions(List.of(0));
        }
        double smallest = measure.of(CostModel.of(smallestModel).estimate());
        double full = measure.of(CostModel.of(dense).dense());
        if (smallest > budget * full) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "--slim-budget %s is below the smallest model ViT-Slim can keep (one head and one neuron per"
                            + " block%s: %.4f of the dense %s); use at least %.4f",
                    budget, patches ? ", one patch" : "", smallest / full, measure, Math.ceil(smallest / full * 1e4) / 1e4));
        }
    }

    /**
     * The head and neuron gates of every block and the model's patch gate (if it has one), the soft
     * masks this method trains.
     *
     * @param model the DeiT
     * @return head gates then neuron gates, block by block, then the patch gate
     */
    static List<Parameter> masks(DeiT model) {
        List<Parameter> out = new ArrayList<>();
        for (DeiTBlock b : model.blocks()) {
            out.add(b.attention().headGate());
            out.add(b.mlp().neuronGate());
        }
        model.patchGate().ifPresent(out::add);
        return out;
    }

    /** The budget's exact target and a uniform estimate of the compacted model (its shapes are learned). */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return ShapePlan.vitSlim(requested, budget, measure, patches);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) throws IOException {
        Model model = ctx.newModel(ctx.architecture());
        DeiT deit = (DeiT) model.getBlock();
        List<Parameter> masks = masks(deit);
        ctx.train(model, new TrainingPhase("search", split.dense(), (base, block, steps) -> {
            masks.forEach(m -> m.freeze(false));
            return new PenalisedConfig(base, new GatePenaltyLoss(base.getLossFunction(), masks, (float) lambda));
        }));
        masks.forEach(m -> m.freeze(true));
        List<BlockGates> soft = SoftGates.read(deit);
        float[] softPatches = patches ? SoftGates.readPatches(deit) : null;
        choice = GlobalThreshold.choose(deit.config(), soft, softPatches, measure, budget);
        SoftGates.write(deit, choice.masked());
        if (patches) {
            SoftGates.writePatches(deit, choice.maskedPatches());
        }
        maskedAccuracy = ctx.evaluate(model);
        SoftGates.fold(deit);
        Model compacted = ctx.adopt(Model.newInstance("deit", ctx.device()));
        compacted.setBlock(Compactor.compact(deit, compacted.getNDManager()));
        LOG.info("ViT-Slim threshold {} keeps {} ({} {} of {} target); masked model's test accuracy {}",
                choice.threshold(), units(choice.config()), measure, measure.of(choice.cost()), choice.target(),
                maskedAccuracy);
        ctx.train(compacted, TrainingPhase.plain("finetune", split.finetune()));
        String json = masksJson(soft, softPatches, choice);
        return new MethodOutcome(compacted, Map.of(), null, dir -> RunFiles.writeAtomically(dir.resolve(MASKS), json));
    }

    /** "heads 3,2,… / neurons 168,115,…", block by block. */
    static String units(DeiTConfig config) {
        StringBuilder heads = new StringBuilder();
        StringBuilder neurons = new StringBuilder();
        for (BlockShape b : config.blocks()) {
            heads.append(heads.length() == 0 ? "" : ",").append(b.heads());
            neurons.append(neurons.length() == 0 ? "" : ",").append(b.hidden());
        }
        String units = "heads " + heads + " / neurons " + neurons;
        return config.patchGates() || config.keptPositions() != null
                ? units + " / patches " + config.keptPatches() + " of " + config.patches()
                : units;
    }

    static String masksJson(List<BlockGates> soft, float[] softPatches, Choice choice) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "svite-vit-slim-masks");
        o.addProperty("formatVersion", 1);
        o.addProperty("threshold", choice.threshold());
        JsonArray blocks = new JsonArray();
        for (int i = 0; i < soft.size(); i++) {
            JsonObject b = new JsonObject();
            b.add("headMask", array(soft.get(i).heads()));
            b.add("neuronMask", array(soft.get(i).neurons()));
            b.addProperty("keptHeads", choice.config().blocks().get(i).heads());
            b.addProperty("keptNeurons", choice.config().blocks().get(i).hidden());
            blocks.add(b);
        }
        o.add("blocks", blocks);
        if (softPatches != null) {
            o.add("patchMask", array(softPatches));
            JsonArray kept = new JsonArray();
            List<Integer> positions = choice.config().keptPositions();
            for (int j = 0; j < choice.config().patches(); j++) {
                if (positions == null || positions.contains(j)) {
                    kept.add(j);
                }
            }
            o.add("keptPositions", kept);
        }
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    private static JsonArray array(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("l1", lambda);
        o.addProperty("budget", budget);
        o.addProperty("measure", measure.toString());
        o.addProperty("dims", patches ? "heads,neurons,patches" : "heads,neurons");
        o.addProperty("searchEpochs", split.dense());
        o.addProperty("finetuneEpochs", split.finetune());
        if (choice != null) {
            o.addProperty("threshold", choice.threshold());
            o.addProperty("target", choice.target());
            o.addProperty("kept", measure.of(choice.cost()));
            o.addProperty("keptPatches", choice.config().keptPatches());
        }
        if (!Double.isNaN(maskedAccuracy)) {
            o.addProperty("maskedTestAccuracy", maskedAccuracy);
        }
        return o;
    }

    @Override
    public String describe() {
        String s = String.format(Locale.ROOT, "ViT-Slim: %s, λ %s, %s budget %s, %d search + %d fine-tuning epoch(s)",
                patches ? "heads, neurons and patches" : "heads and neurons", lambda, measure, budget, split.dense(),
                split.finetune());
        if (choice != null) {
            s += String.format(Locale.ROOT, "; threshold %.4g kept %s", choice.threshold(), units(choice.config()));
        }
        return s;
    }
}
