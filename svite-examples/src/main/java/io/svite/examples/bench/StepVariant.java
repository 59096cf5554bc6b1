package io.svite.examples.bench;

import io.svite.core.optimizer.Optimizers;
import io.svite.models.compact.StructuredBudget;
import io.svite.models.cost.CostModel;
import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.deit.SparseDeiT;
import io.svite.models.tokens.TemperatureListener;
import io.svite.models.tokens.TokenSelection;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;

import java.util.Locale;

/**
 * One of the four ways {@link TrainStepBench} trains a DeiT: dense, S2ViTE (active heads and
 * neurons only), SViTE+ (kept tokens only) or both, each a model with its trainer.
 *
 * <p>Every variant trains with AdamW (lr 5·10⁻⁴, weight decay 0.05 on weights) on random images of
 * the preset's size; the S2ViTE variants swap units every {@code interval} steps after a score window
 * of {@code window} full-width passes, exactly as {@code svite train --method s2vite} does.
 */
final class StepVariant implements AutoCloseable {

    /** Which parts are trained sparse. */
    enum Kind {
        DENSE("dense", false, false),
        S2VITE("s2vite", true, false),
        TOKENS("tokens", false, true),
        BOTH("s2vite+tokens", true, true);

        private final String label;
        private final boolean units;
        private final boolean tokens;

        Kind(String label, boolean units, boolean tokens) {
            this.label = label;
            this.units = units;
            this.tokens = tokens;
        }

        String label() {
            return label;
        }

        boolean units() {
            return units;
        }

        boolean tokens() {
            return tokens;
        }

        static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown variant '" + label + "'; known: dense, s2vite, tokens, s2vite+tokens");
        }
    }

    /**
     * What a variant makes sparse and how often its units move.
     *
     * @param heads fraction of every block's heads kept active
     * @param neurons fraction of every block's neurons kept active
     * @param tokens fraction of the patches kept
     * @param interval steps between unit updates
     * @param window full-width score passes before each update
     */
    record Budget(double heads, double neurons, double tokens, long interval, int window) {}

    private final Kind kind;
    private final DeiTConfig dense;
    private final DeiTConfig trained;
    private final Model model;
    private final Trainer trainer;
    private final Shape input;
    private final int batch;

    private StepVariant(Kind kind, DeiTConfig dense, DeiTConfig trained, Model model, Trainer trainer, int batch) {
        this.kind = kind;
        this.dense = dense;
        this.trained = trained;
        this.model = model;
        this.trainer = trainer;
        this.batch = batch;
        this.input = new Shape(batch, dense.channels(), dense.imageSize(), dense.imageSize());
    }

    /**
     * Builds and initialises one variant.
     *
     * @param kind the variant
     * @param dense the dense architecture
     * @param budget the sparse parts' budget
     * @param batch images per step
     * @param totalSteps steps the schedule is planned for (updates stop at 80 % of them)
     * @return the variant, ready to step
     */
    static StepVariant create(Kind kind, DeiTConfig dense, Budget budget, int batch, long totalSteps) {
        SparseDeiT.Builder recipe = SparseDeiT.builder();
        if (kind.units()) {
            recipe.heads(budget.heads()).neurons(budget.neurons()).updateEvery(budget.interval())
                    .scoreWindow(budget.window());
        }
        if (kind.tokens()) {
            recipe.tokens(budget.tokens());
        }
        DeiTConfig trained = kind.tokens() ? dense.withTokenSelection(TokenSelection.ratio(budget.tokens())) : dense;
        Model model = Model.newInstance("train-step-" + kind.label());
        DeiT deit = DeiT.of(trained);
        model.setBlock(deit);
        DefaultTrainingConfig base = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizers.adamW().learningRate(Tracker.fixed(5e-4f)).weightDecay(0.05f)
                        .decayWeightsOnly(deit).build());
        TrainingConfig config;
        if (kind.units()) {
            config = recipe.build().configure(base, totalSteps);
        } else {
            config = kind.tokens() ? base.addTrainingListeners(TemperatureListener.of(totalSteps)) : base;
        }
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(1, dense.channels(), dense.imageSize(), dense.imageSize()));
        return new StepVariant(kind, dense, trained, model, trainer, batch);
    }

    /**
     * Forward MACs per image of the active part, as a fraction of the dense model's.
     *
     * @param budget the budget
     * @return active MACs ÷ dense MACs, the token scorer included
     */
    double activeMacsFraction(Budget budget) {
        DeiTConfig active = kind.units() ? StructuredBudget.fractions(budget.heads(), budget.neurons()).apply(trained) : trained;
        return CostModel.of(active).estimate().macs() / CostModel.of(dense).dense().macs();
    }

    /**
     * Forward MACs per image of a full-width score pass, as a fraction of the dense model's.
     *
     * @return every unit computed (the variant's tokens kept) ÷ dense MACs
     */
    double scoringMacsFraction() {
        return CostModel.of(trained).estimate().macs() / CostModel.of(dense).dense().macs();
    }

    /**
     * Trains one step on a fresh random batch and waits for it: {wall, process CPU} in milliseconds.
     *
     * @return the step's wall and CPU time
     */
    double[] timedStep() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray images = scope.randomNormal(input);
            NDArray labels = scope.randomInteger(0, dense.classes(), new Shape(batch), DataType.INT32)
                    .toType(DataType.FLOAT32, false);
            Batch data = new Batch(scope, new NDList(images), new NDList(labels), batch, null, null, 0, 1);
            long cpuStart = Cpu.processNanos();
            long start = System.nanoTime();
            EasyTrain.trainBatch(trainer, data);
            trainer.step();
            // a benchmark reads one value so that a GPU has finished the step before the clock stops
            ai.djl.nn.ParameterList parameters = model.getBlock().getParameters();
            parameters.valueAt(parameters.size() - 1).getArray().toFloatArray();
            long wall = System.nanoTime() - start;
            long cpu = Cpu.processNanos() - cpuStart;
            return new double[] {wall / 1e6, cpuStart < 0 ? Double.NaN : cpu / 1e6};
        }
    }

    Kind kind() {
        return kind;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
