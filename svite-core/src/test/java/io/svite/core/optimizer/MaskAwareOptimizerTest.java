package io.svite.core.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.SparseTrainer;
import io.svite.core.SparseTrainingConfig;
import io.svite.core.optimizer.MaskAwareOptimizer;
import io.svite.core.optimizer.MomentumPolicy;
import io.svite.core.testing.Fixtures;
import io.svite.core.testing.Mlp;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The engine's side of the {@link MaskAwareOptimizer} contract, against a small fake optimizer. */
class MaskAwareOptimizerTest {

    /** SGD with momentum whose buffers the test can read; resets them per its policy. */
    static final class VisibleMomentumSgd extends Optimizer implements MaskAwareOptimizer {
        final MomentumPolicy policy;
        final NDManager manager = NDManager.newBaseManager();
        final Map<String, NDArray> velocity = new HashMap<>();
        final Map<String, NDArray[]> lastChange = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        /** Σ|v| over the pruned and over the grown entries, as the first step after each rewrite saw them. */
        final List<float[]> seenAfterRewrite = new ArrayList<>();

        VisibleMomentumSgd(MomentumPolicy policy) {
            super(new Settings());
            this.policy = policy;
        }

        @Override
        public MomentumPolicy momentumPolicy() {
            return policy;
        }

        @Override
        public void onMaskUpdate(String parameterId, Device device, NDArray pruned, NDArray grown) {
            calls.add(parameterId);
            float p = pruned.sum().getFloat();
            float g = grown.sum().getFloat();
            assertEquals(p, g, "as many grown as pruned");
            assertEquals(0f, pruned.mul(grown).sum().getFloat(), "pruned and grown are disjoint");
            assertEquals(device, pruned.getDevice());
            NDArray v = velocity.get(parameterId);
            if (policy == MomentumPolicy.RESET && v != null) {
                v.muli(pruned.add(grown).neg().add(1));
            }
            NDArray pc = pruned.duplicate();
            NDArray gc = grown.duplicate();
            pc.attach(manager);
            gc.attach(manager);
            lastChange.put(parameterId, new NDArray[] {pc, gc});
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            NDArray v = velocity.computeIfAbsent(parameterId, k -> {
                NDArray z = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
                return z;
            });
            NDArray[] change = lastChange.remove(parameterId);
            if (change != null) {
                seenAfterRewrite.add(new float[] {
                    v.mul(change[0]).abs().sum().getFloat(), v.mul(change[1]).abs().sum().getFloat()
                });
            }
            v.muli(0.9f).addi(grad);
            NDArray delta = v.mul(0.05f);
            weight.subi(delta);
            delta.close();
            try (NDArray real = weight.getGradient()) {
                real.muli(0); // like the engine's kernels: gradients do not accumulate across steps
            }
        }

        private static final class Settings extends OptimizerBuilder<Settings> {
            @Override
            protected Settings self() {
                return this;
            }
        }
    }

    private static VisibleMomentumSgd train(MomentumPolicy policy) {
        VisibleMomentumSgd sgd = new VisibleMomentumSgd(policy);
        SparseTrainer sparse = SparseTrainer.builder().uniform(0.6).updateEvery(4).until(100).seed(2).build();
        try (Model model = Mlp.model()) {
            SparseTrainingConfig config = sparse.configure(Fixtures.dense(sgd));
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Fixtures.INPUT);
                for (int step = 1; step <= 13; step++) {
                    Mlp.step(trainer, model.getNDManager(), 32, step);
                }
                assertEquals(3, config.run().updates());
            }
        }
        return sgd;
    }

    @Test
    void theOptimizerIsToldOncePerSparseTensorAndUpdateWhatWasPrunedAndGrown() {
        VisibleMomentumSgd sgd = train(MomentumPolicy.RESET);
        try {
            assertEquals(3 * 3, sgd.calls.size(), "3 updates × 3 sparse tensors × 1 device");
            assertEquals(9, sgd.seenAfterRewrite.size());
        } finally {
            sgd.manager.close();
        }
    }

    @Test
    void resetMeansPrunedAndRegrownEntriesStartTheNextStepWithZeroMomentum() {
        VisibleMomentumSgd reset = train(MomentumPolicy.RESET);
        VisibleMomentumSgd keep = train(MomentumPolicy.KEEP);
        try {
            for (float[] seen : reset.seenAfterRewrite) {
                assertEquals(0f, seen[0], "pruned entries' momentum after a reset");
                assertEquals(0f, seen[1], "grown entries' momentum after a reset");
            }
            float keptPruned = 0;
            for (float[] seen : keep.seenAfterRewrite) {
                keptPruned += seen[0];
            }
            assertTrue(keptPruned > 0, "under KEEP the pruned entries still carry their momentum");
        } finally {
            reset.manager.close();
            keep.manager.close();
        }
    }
}
