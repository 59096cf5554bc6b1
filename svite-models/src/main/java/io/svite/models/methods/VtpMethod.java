package io.svite.models.methods;

import io.svite.models.compact.Compactor;
import io.svite.models.compact.SoftGates;
import io.svite.models.compact.SoftGates.InputGates;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * VTP, Vision Transformer Pruning: soft gates on the model dimensions the attention's qkv and the
 * MLP's fc1 read, trained under an ℓ1 penalty, the dimensions under a threshold (or all but a kept
 * ratio per layer) removed, the model compacted and fine-tuned (see {@code docs/vtp-vit-slim.md}).
 *
 * <p>The model is built with input gates ({@link DeiTConfig#withInputGates(boolean)}): per block u_a
 * (D) before qkv and u_m (D) before fc1, after the LayerNorms. Phases: {@code search} (input gates
 * unfrozen and trained by the run's AdamW, without weight decay, under loss + λ·Σ|u|), then the
 * pruning (gates of pruned dimensions set to 0, kept ones keep their value: the masked model), the
 * kept values folded into qkv's and fc1's columns and the model compacted (qkv/fc1 lose the pruned
 * columns; each block gathers its kept dimensions after the norm), then {@code finetune}.
 */
public final class VtpMethod implements TrainingMethod {

    /** The gates file in a run folder: soft values and what was kept. */
    public static final String MASKS = "vtp-masks.json";

    /** λ of the ℓ1 penalty on the input gates by default. */
    public static final double DEFAULT_L1 = VitSlimMethod.DEFAULT_L1;

    /** The pruned fraction of every qkv and fc1 input by default. */
    public static final double DEFAULT_RATIO = 0.5;

    private static final Logger LOG = LoggerFactory.getLogger(VtpMethod.class);

    private final double lambda;
    private final double ratio;
    private final double threshold;
    private final EpochSplit split;
    private DeiTConfig kept;
    private double maskedAccuracy = Double.NaN;

    /**
     * Creates the method; exactly one of {@code ratio} and {@code threshold} is a number, the other NaN.
     *
     * @param lambda λ of the ℓ1 penalty, ≥ 0
     * @param ratio the fraction of each qkv and fc1 input's dimensions pruned, in [0, 1), or NaN
     * @param threshold prune dimensions with |u| ≤ threshold (≥ 0), or NaN
     * @param split search and fine-tuning epochs
     * @throws IllegalArgumentException for a bad value or not exactly one of ratio and threshold
     */
    public VtpMethod(double lambda, double ratio, double threshold, EpochSplit split) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("--l1 (λ of the ℓ1 gate penalty) must be a finite value >= 0, got " + lambda);
        }
        if (Double.isNaN(ratio) == Double.isNaN(threshold)) {
            throw new IllegalArgumentException("vtp prunes to --vtp-ratio or under --vtp-threshold: give exactly one");
        }
        if (!Double.isNaN(ratio) && !(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("--vtp-ratio must be in [0, 1), got " + ratio);
        }
        if (!Double.isNaN(threshold) && !(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("--vtp-threshold must be a finite value >= 0, got " + threshold);
        }
        this.lambda = lambda;
        this.ratio = ratio;
        this.threshold = threshold;
        this.split = split;
    }

    @Override
    public String name() {
        return "vtp";
    }

    @Override
    public DeiTConfig architecture(DeiTConfig requested) {
        return requested.withInputGates(true);
    }

    @Override
    public void check(TrainRecipe recipe, DeiTConfig architecture, long stepsPerEpoch) {
        if (recipe.epochs() != split.dense() + split.finetune()) {
            throw new IllegalArgumentException("vtp: search " + split.dense() + " + fine-tune " + split.finetune()
                    + " epochs differ from --epochs " + recipe.epochs());
        }
    }

    /**
     * The compacted architecture a ratio gives: every qkv and fc1 input keeps max(1, round((1 − r)·D))
     * dimensions (which ones is learned; the first ones stand in, the cost does not depend on it).
     *
     * @param dense the dense architecture
     * @param ratio the pruned fraction
     * @return the compacted architecture
     */
    public static DeiTConfig compactedArchitecture(DeiTConfig dense, double ratio) {
        int k = keptCount(dense.width(), ratio);
        List<Integer> first = IntStream.range(0, k).boxed().toList();
        List<BlockShape> shapes = new ArrayList<>();
        for (BlockShape b : dense.blocks()) {
            shapes.add(new BlockShape(b.heads(), b.hidden(), first, first));
        }
        return dense.withBlocks(shapes).withInputGates(true);
    }

    static int keptCount(int n, double ratio) {
        return (int) Math.max(1, Math.round((1 - ratio) * n));
    }

    /**
     * The gate values after pruning: kept entries unchanged, pruned ones 0.
     *
     * @param u the soft gate values of one layer's input
     * @param ratio the pruned fraction, or NaN to use the threshold
     * @param threshold prune |u| ≤ threshold (the largest |u| is always kept), when ratio is NaN
     * @return the masked values
     */
    static float[] prune(float[] u, double ratio, double threshold) {
        float[] out = new float[u.length];
        if (!Double.isNaN(ratio)) {
            int k = keptCount(u.length, ratio);
            Integer[] order = IntStream.range(0, u.length).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -Math.abs(u[j])).thenComparingInt(j -> j));
            for (int j = 0; j < k; j++) {
                out[order[j]] = u[order[j]];
            }
            return out;
        }
        int best = 0;
        for (int j = 0; j < u.length; j++) {
            if (Math.abs(u[j]) > Math.abs(u[best])) {
                best = j;
            }
            out[j] = Math.abs(u[j]) > threshold ? u[j] : 0f;
        }
        out[best] = u[best];
        return out;
    }

    static List<Parameter> gates(DeiT model) {
        List<Parameter> out = new ArrayList<>();
        for (DeiTBlock b : model.blocks()) {
            out.add(b.attention().inputGate());
            out.add(b.mlp().inputGate());
        }
        return out;
    }

    /**
     * The compacted model of the ratio, exact.
     *
     * @throws IllegalArgumentException for a method that prunes under a threshold (the kept
     *     dimensions are learned)
     */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return ShapePlan.vtp(requested, ratio);
    }

    @Override
    public MethodOutcome train(MethodContext ctx) throws IOException {
        Model model = ctx.newModel(ctx.architecture());
        DeiT deit = (DeiT) model.getBlock();
        List<Parameter> gates = gates(deit);
        ctx.train(model, new TrainingPhase("search", split.dense(), (base, block, steps) -> {
            gates.forEach(g -> g.freeze(false));
            return new PenalisedConfig(base, new GatePenaltyLoss(base.getLossFunction(), gates, (float) lambda));
        }));
        gates.forEach(g -> g.freeze(true));
        List<InputGates> soft = SoftGates.readInputs(deit);
        List<InputGates> masked = new ArrayList<>();
        for (InputGates u : soft) {
            masked.add(new InputGates(prune(u.attn(), ratio, threshold), prune(u.mlp(), ratio, threshold)));
        }
        SoftGates.writeInputs(deit, masked);
        maskedAccuracy = ctx.evaluate(model);
        SoftGates.fold(deit);
        Model compacted = ctx.adopt(Model.newInstance("deit", ctx.device()));
        DeiT compact = Compactor.compact(deit, compacted.getNDManager());
        compacted.setBlock(compact);
        kept = compact.config();
        LOG.info("VTP kept input dimensions per block (attn/mlp): {}; masked model's test accuracy {}", counts(kept),
                maskedAccuracy);
        ctx.train(compacted, TrainingPhase.plain("finetune", split.finetune()));
        String json = masksJson(soft, kept);
        return new MethodOutcome(compacted, Map.of(), null,
                dir -> RunFiles.writeAtomically(dir.resolve(MASKS), json));
    }

    private static String counts(DeiTConfig config) {
        StringBuilder sb = new StringBuilder();
        for (BlockShape b : config.blocks()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(b.attnInputCount(config.width())).append('/')
                    .append(b.mlpInputCount(config.width()));
        }
        return sb.toString();
    }

    static String masksJson(List<InputGates> soft, DeiTConfig kept) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "svite-vtp-masks");
        o.addProperty("formatVersion", 1);
        JsonArray blocks = new JsonArray();
        for (int i = 0; i < soft.size(); i++) {
            JsonObject b = new JsonObject();
            b.add("attnInputGate", array(soft.get(i).attn()));
            b.add("mlpInputGate", array(soft.get(i).mlp()));
            BlockShape shape = kept.blocks().get(i);
            b.addProperty("keptAttnInputs", shape.attnInputCount(kept.width()));
            b.addProperty("keptMlpInputs", shape.mlpInputCount(kept.width()));
            blocks.add(b);
        }
        o.add("blocks", blocks);
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
        if (!Double.isNaN(ratio)) {
            o.addProperty("ratio", ratio);
        } else {
            o.addProperty("threshold", threshold);
        }
        o.addProperty("searchEpochs", split.dense());
        o.addProperty("finetuneEpochs", split.finetune());
        if (kept != null) {
            JsonArray blocks = new JsonArray();
            for (BlockShape b : kept.blocks()) {
                JsonObject j = new JsonObject();
                j.addProperty("attnInputs", b.attnInputCount(kept.width()));
                j.addProperty("mlpInputs", b.mlpInputCount(kept.width()));
                blocks.add(j);
            }
            o.add("keptInputs", blocks);
        }
        if (!Double.isNaN(maskedAccuracy)) {
            o.addProperty("maskedTestAccuracy", maskedAccuracy);
        }
        return o;
    }

    @Override
    public String describe() {
        String rule = Double.isNaN(ratio) ? "dimensions with |u| <= " + threshold + " pruned" : ratio + " of each input pruned";
        String s = String.format(Locale.ROOT, "VTP: λ %s, %s, %d search + %d fine-tuning epoch(s)", lambda, rule,
                split.dense(), split.finetune());
        return kept == null ? s : s + "; kept inputs (attn/mlp) per block " + counts(kept);
    }
}
