package io.svite.models.methods;

import io.svite.core.SparseRun;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.report.SparsityReport;
import io.svite.models.deit.DeiTConfig;

import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * SViTE: unstructured dynamic sparse training — the weights are sparse from the first step and
 * prune-and-grow updates move the masks (see {@code docs/svite.md}).
 */
public final class SviteMethod implements TrainingMethod {

    /** The name of the masks file in a run folder ({@code svite.masks}). */
    public static final String MASKS = "svite";

    /** The name of the initial masks' file in a run folder ({@code svite-init.masks}, for reports). */
    public static final String INITIAL_MASKS = "svite-init";

    private final SviteRecipe recipe;

    /**
     * Creates the method.
     *
     * @param recipe the SViTE settings
     */
    public SviteMethod(SviteRecipe recipe) {
        this.recipe = recipe;
    }

    @Override
    public String name() {
        return "svite";
    }

    /** Builds the engine's recipe for the run's steps, which checks its schedule against them. */
    @Override
    public void check(TrainRecipe run, DeiTConfig architecture, long stepsPerEpoch) {
        recipe.trainer(run.epochs() * stepsPerEpoch);
    }

    /** The engine's distribution over the requested architecture's weights; exact. */
    @Override
    public MethodPlan plan(DeiTConfig requested) {
        return LayerPlan.of("SViTE " + recipe.distribution(), requested, recipe.distribution());
    }

    @Override
    public MethodOutcome train(MethodContext ctx) {
        Model model = ctx.newModel(ctx.architecture());
        SparseTrainingConfig[] sparse = new SparseTrainingConfig[1];
        InitialMasks initial = new InitialMasks(() -> sparse[0].run());
        try {
            ctx.train(
                    model,
                    new TrainingPhase(
                            "train",
                            ctx.recipe().epochs(),
                            (base, block, steps) ->
                                    sparse[0] = recipe.trainer(steps).configure(base.addTrainingListeners(initial))));
        } catch (RuntimeException e) {
            initial.discard();
            throw e;
        }
        SparsityReport report = sparse[0].run().report();
        return new MethodOutcome(model, report.densities(), report, dir -> {
            sparse[0].run().save(dir, MASKS);
            initial.moveInto(dir, INITIAL_MASKS);
        });
    }

    /**
     * Keeps the masks the run starts with: a listener placed before the engine's, so at the first
     * training batch (step 0, before any mask update) it saves the initial masks to a temporary
     * file, which the run folder later receives. Nothing is kept for a run resumed past step 0.
     */
    private static final class InitialMasks extends TrainingListenerAdapter {

        private final java.util.function.Supplier<SparseRun> run;
        private Path file;

        InitialMasks(java.util.function.Supplier<SparseRun> run) {
            this.run = run;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            SparseRun r = run.get();
            if (file != null || r.step() != 0) {
                return;
            }
            try {
                Path dir = Files.createTempDirectory("svite-init-masks-");
                dir.toFile().deleteOnExit();
                file = r.save(dir, INITIAL_MASKS);
                file.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the initial masks: " + e.getMessage(), e);
            }
        }

        void moveInto(Path dir, String name) throws IOException {
            if (file == null) {
                return;
            }
            Path target = SparseRun.checkpointFile(dir, name);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            discard();
        }

        void discard() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(file.getParent());
                } catch (IOException ignored) {
                    // deleted on exit
                }
                file = null;
            }
        }
    }

    @Override
    public JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("distribution", recipe.distribution().toString());
        o.addProperty("interval", recipe.interval());
        o.addProperty("end", recipe.end());
        o.addProperty("pruneFraction", recipe.pruneFraction());
        o.addProperty("decay", recipe.decay().toString());
        o.addProperty("maskSeed", recipe.seed());
        return o;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s, α %s %s%s", recipe.distribution(), recipe.pruneFraction(),
                recipe.decay(), recipe.interval() > 0 ? ", update every " + recipe.interval() + " steps" : "");
    }
}
