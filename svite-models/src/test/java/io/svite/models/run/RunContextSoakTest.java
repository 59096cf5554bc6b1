package io.svite.models.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainingConfig;
import io.svite.core.data.ImageData;
import io.svite.core.data.SyntheticImages;
import io.svite.core.distribution.SparsityDistribution;
import io.svite.core.schedule.Decay;
import io.svite.core.training.CheckpointPolicy;
import io.svite.models.methods.MethodContext;
import io.svite.models.methods.MethodOutcome;
import io.svite.models.methods.SviteRecipe;
import io.svite.models.methods.TrainRecipe;
import io.svite.models.methods.TrainingMethod;
import io.svite.models.methods.TrainingPhase;
import io.svite.models.tokens.TokenSelection;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Long-run stability: SViTE with token selection, drop-path, mask updates, per-epoch evaluation
 * and frequent checkpoints for 4,000 steps; after warm-up the model manager's array count must not
 * move and the process's native memory must stay flat. Tagged slow: {@code mvn -Psoak test}.
 */
@Tag("slow")
class RunContextSoakTest {

    private static final Logger LOG = LoggerFactory.getLogger(RunContextSoakTest.class);
    /**
     * 80 epochs of 50 steps; {@code -Dsvite.soak.epochs=N} in the forked JVM's arguments changes it.
     * At 1,500 steps the allocator was still settling (native memory rose in steps until about step
     * 650 and then stayed within ±5 MB), so a shorter run cannot tell a slow leak from warm-up.
     */
    private static final int EPOCHS = Integer.getInteger("svite.soak.epochs", 80);
    private static final int BATCHES = 50;
    private static final int SAMPLE_EVERY = 25;

    @TempDir Path dir;

    /**
     * One sample: step, resident set size, what the JVM itself holds (committed heap and non-heap —
     * metaspace, JIT code — and direct buffers), and the model manager's arrays.
     */
    record Sample(long step, long rssKb, long jvmKb, int arrays) {
        /** Resident memory that is not the JVM's own: the engine's tensors and allocator. */
        long nativeKb() {
            return rssKb - jvmKb;
        }

        static Sample now(long step, int arrays) {
            System.gc();
            long jvm = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()
                    + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                jvm += pool.getMemoryUsed();
            }
            return new Sample(step, residentKb(), jvm / 1024, arrays);
        }
    }

    /** SViTE as {@code SviteMethod} trains it, plus a listener that samples memory. */
    static final class Sampled implements TrainingMethod {
        final List<Sample> samples = new ArrayList<>();

        @Override
        public String name() {
            return "svite";
        }

        @Override
        public MethodOutcome train(MethodContext ctx) {
            Model model = ctx.newModel(ctx.architecture());
            SparseTrainingConfig[] sparse = new SparseTrainingConfig[1];
            ctx.train(model, new TrainingPhase("train", ctx.recipe().epochs(), (base, block, steps) -> {
                base.addTrainingListeners(new TrainingListenerAdapter() {
                    private long step;

                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        if (++step % SAMPLE_EVERY == 0) {
                            samples.add(Sample.now(step, trainer.getModel().getNDManager().getManagedArrays().size()));
                        }
                    }
                });
                return sparse[0] = new SviteRecipe(SparsityDistribution.erdosRenyiKernel(0.5), 10, 0, 0.3,
                        Decay.cosine(), 5).trainer(steps).configure(base);
            }));
            return new MethodOutcome(model, sparse[0].run().report().densities(), sparse[0].run().report(), null);
        }
    }

    /** The least-squares slope of native memory over steps. */
    static double slopeKbPerStep(List<Sample> s) {
        double n = s.size();
        double mx = s.stream().mapToDouble(Sample::step).sum() / n;
        double my = s.stream().mapToDouble(Sample::nativeKb).sum() / n;
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.step() - mx) * (x.nativeKb() - my);
            den += (x.step() - mx) * (x.step() - mx);
        }
        return num / den;
    }

    static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void nativeMemoryAndManagedArraysStayFlatOverManyUpdates() throws Exception {
        TrainRecipe recipe = new TrainRecipe("deit-mini", "synthetic", null, EPOCHS, 16, BATCHES, 1e-3, 1e-5, 0.05, 1,
                0.1, 0.1, 5, null).withTokens(TokenSelection.ratio(0.5));
        Sampled method = new Sampled();
        long start = System.nanoTime();
        TrainResult result;
        try (ImageData data = SyntheticImages.create(10, BATCHES * 16, 64, 28, 5)) {
            result = new TrainingRun(recipe, data, Device.cpu(), null)
                    .run(method, RunFolder.create(dir.resolve("run")), new CheckpointPolicy(50, 2));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Sample> s = method.samples;
        assertEquals(EPOCHS * BATCHES / SAMPLE_EVERY, s.size());
        assertTrue(result.sparsity().updates() > 100, "updates: " + result.sparsity().updates());

        int warm = s.size() / 5; // the first fifth is warm-up: optimizer state, allocator pools, JIT
        Sample first = s.get(warm);
        Sample last = s.get(s.size() - 1);
        long maxNative = s.subList(warm, s.size()).stream().mapToLong(Sample::nativeKb).max().orElseThrow();
        StringBuilder table = new StringBuilder();
        for (Sample x : s) {
            table.append(String.format(Locale.ROOT, "%n  step %5d  rss %7d kB  jvm %7d kB  native %7d kB  arrays %d",
                    x.step(), x.rssKb(), x.jvmKb(), x.nativeKb(), x.arrays()));
        }
        double slope = slopeKbPerStep(s.subList(warm, s.size()));
        LOG.info(String.format(Locale.ROOT,
                "soak: %d steps, %d mask updates, %d checkpoints written, %.0f s; after warm-up (step %d → %d):"
                        + " native %d → %d kB (max %d, least-squares slope %.2f kB/step), rss %d → %d kB,"
                        + " arrays %d → %d%s",
                EPOCHS * BATCHES, result.sparsity().updates(), EPOCHS * BATCHES / 50 + EPOCHS, seconds, first.step(),
                last.step(), first.nativeKb(), last.nativeKb(), maxNative, slope, first.rssKb(), last.rssKb(),
                first.arrays(), last.arrays(), table));

        for (Sample x : s.subList(warm, s.size())) {
            assertEquals(first.arrays(), x.arrays(), "model-manager arrays at step " + x.step());
        }
        // flat: a leak of one activation per step (≥ 25 kB for this model) would give a slope of
        // 25 kB/step and add > 75 MB here
        assertTrue(slope < 8, String.format(Locale.ROOT, "native memory grows by %.2f kB per step", slope));
        assertTrue(last.nativeKb() - first.nativeKb() < 16 * 1024,
                "native memory grew from " + first.nativeKb() + " kB to " + last.nativeKb() + " kB");
        assertTrue(maxNative - first.nativeKb() < 32 * 1024,
                "native memory peaked at " + maxNative + " kB after " + first.nativeKb() + " kB");
    }
}
