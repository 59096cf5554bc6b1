package io.svite.core.optimizer;

import static io.svite.core.optimizer.OptimizerFixtures.assertBitIdentical;
import static io.svite.core.optimizer.OptimizerFixtures.copyParameters;
import static io.svite.core.optimizer.OptimizerFixtures.parameterBits;
import static io.svite.core.optimizer.OptimizerFixtures.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

class StatefulOptimizerTest {

    private static final Tracker DECAYING = n -> 0.05f / n;

    @Test
    void stepCountAdvancesOncePerStepAcrossTwoCopiesOfAParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            StatefulOptimizer twoCopies = Optimizers.adamW().learningRate(DECAYING).build();
            StatefulOptimizer oneCopy = Optimizers.adamW().learningRate(DECAYING).build();
            NDArray copy0 = OptimizerFixtures.pattern(m, new Shape(3, 4), 2);
            NDArray copy1 = copy0.duplicate();
            NDArray single = copy0.duplicate();
            for (int s = 1; s <= 4; s++) {
                NDArray g = OptimizerFixtures.pattern(m, new Shape(3, 4), 10 + s);
                // What DJL's ParameterStore does on two devices: one call per copy, same gradient.
                twoCopies.update("p", copy0, g.duplicate());
                assertEquals(s, twoCopies.step("p"), "after the first copy of step " + s);
                twoCopies.update("p", copy1, g.duplicate());
                assertEquals(s, twoCopies.step("p"), "after the second copy of step " + s);
                oneCopy.update("p", single, g.duplicate());
            }
            assertEquals(4, twoCopies.step());
            // Counted per call, t (bias correction) and the learning rate would differ from here.
            assertBitIdentical(single, copy0, "copy 0");
            assertBitIdentical(single, copy1, "copy 1");
        }
    }

    @Test
    void aParameterThatStartsLateUsesTheOptimizersLearningRateButItsOwnT() {
        try (NDManager m = NDManager.newBaseManager()) {
            StatefulOptimizer opt = Optimizers.adamW().learningRate(DECAYING).build();
            NDArray early = OptimizerFixtures.pattern(m, new Shape(4), 1);
            NDArray late = OptimizerFixtures.pattern(m, new Shape(4), 1);
            NDArray g = OptimizerFixtures.pattern(m, new Shape(4), 3);
            for (int s = 0; s < 3; s++) {
                opt.update("early", early, g.duplicate());
            }
            opt.update("late", late, g.duplicate());
            assertEquals(1, opt.step("late"));
            assertEquals(3, opt.step());
            // First Adam step of a fresh parameter (t = 1): m/√v = sign(g), so
            // w1 = w0·(1 − η·λ) − η·sign(g) with η = lr(3) = 0.05/3, λ = 0.01.
            float[] w0 = OptimizerFixtures.pattern(m, new Shape(4), 1).toFloatArray();
            float[] gs = g.toFloatArray();
            float[] w1 = late.toFloatArray();
            float lr = 0.05f / 3;
            for (int j = 0; j < 4; j++) {
                float expected = w0[j] * (1 - lr * 0.01f) - lr * Math.signum(gs[j]);
                assertEquals(expected, w1[j], 1e-6f, "entry " + j);
            }
        }
    }

    @Test
    void saveAndLoadByNameContinueBitIdenticallyToAnUninterruptedRun() throws IOException {
        Function<Block, StatefulOptimizer> recipe =
                b ->
                        Optimizers.adamW()
                                .learningRate(DECAYING)
                                .weightDecay(0.05f)
                                .decayWeightsOnly(b)
                                .build();
        try (NDManager m = NDManager.newBaseManager();
                NDManager scratch = NDManager.newBaseManager()) {
            Block uninterrupted = OptimizerFixtures.initialisedMlp(m);
            Block first = OptimizerFixtures.initialisedMlp(m);
            copyParameters(uninterrupted, first);
            StatefulOptimizer a = recipe.apply(uninterrupted);
            train(a, uninterrupted, 0, 6, scratch);

            StatefulOptimizer b = recipe.apply(first);
            train(b, first, 0, 3, scratch);
            byte[] npz;
            try (NDManager io = scratch.newSubManager()) {
                NDList saved = b.saveState(first, io);
                assertTrue(names(saved).contains("01Linear_weight.m"), names(saved).toString());
                assertTrue(names(saved).contains("04Linear_bias.step"), names(saved).toString());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                saved.encode(out, NDList.Encoding.NPZ);
                npz = out.toByteArray();
            }

            // Resume in a new model instance (new random parameter ids), as after Model.load.
            Block resumed = OptimizerFixtures.initialisedMlp(m);
            copyParameters(first, resumed);
            Block control = OptimizerFixtures.initialisedMlp(m);
            copyParameters(first, control);
            StatefulOptimizer c = recipe.apply(resumed);
            try (NDManager io = scratch.newSubManager()) {
                c.loadState(resumed, NDList.decode(io, new ByteArrayInputStream(npz)));
            }
            for (Pair<String, Parameter> p : resumed.getParameters()) {
                assertEquals(3, c.step(p.getValue().getId()), p.getKey());
            }
            train(c, resumed, 3, 3, scratch);
            StatefulOptimizer fresh = recipe.apply(control);
            train(fresh, control, 3, 3, scratch);

            List<Parameter> expected = uninterrupted.getParameters().values();
            List<Parameter> actual = resumed.getParameters().values();
            for (int i = 0; i < expected.size(); i++) {
                Parameter e = expected.get(i);
                Parameter r = actual.get(i);
                assertBitIdentical(e.getArray(), r.getArray(), "weight " + i);
                assertEquals(a.step(e.getId()), c.step(r.getId()));
                NDList se = a.state(e.getId(), e.getArray().getDevice());
                NDList sr = c.state(r.getId(), r.getArray().getDevice());
                assertBitIdentical(se.get(0), sr.get(0), "m of " + i);
                assertBitIdentical(se.get(1), sr.get(1), "v of " + i);
            }
            assertFalse(
                    Arrays.equals(
                            parameterBits(uninterrupted).get(0), parameterBits(control).get(0)),
                    "without the loaded state the run must differ (the test would prove nothing)");
        }
    }

    @Test
    void loadedStateSeedsEveryDeviceCopyOfTheNextStepAndIsThenReleased() {
        try (NDManager model = NDManager.newBaseManager();
                NDManager data = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(model);
            Parameter p = OptimizerFixtures.parameter(block, "01Linear_weight");
            StatefulOptimizer before = Optimizers.adamW().learningRate(DECAYING).build();
            train(before, block, 0, 2, data);
            NDList saved = before.saveState(block, data);

            NDArray copy0 = p.getArray();
            NDArray copy1 = copy0.duplicate(); // a second "device" copy, in the model's manager
            NDArray single = copy0.duplicate();
            StatefulOptimizer twoCopies = Optimizers.adamW().learningRate(DECAYING).build();
            StatefulOptimizer oneCopy = Optimizers.adamW().learningRate(DECAYING).build();
            twoCopies.loadState(block, saved);
            oneCopy.loadState(block, saved);
            int arrays = -1;
            for (int s = 2; s < 6; s++) {
                NDArray g = OptimizerFixtures.pattern(data, copy0.getShape(), 40 + s);
                twoCopies.update(p.getId(), copy0, g.duplicate());
                twoCopies.update(p.getId(), copy1, g.duplicate());
                oneCopy.update(p.getId(), single, g.duplicate());
                if (s == 3) {
                    arrays = model.getManagedArrays().size();
                } else if (s > 3) {
                    assertEquals(arrays, model.getManagedArrays().size(), "step " + s);
                }
            }
            assertEquals(6, twoCopies.step(p.getId()));
            assertBitIdentical(single, copy0, "copy 0");
            assertBitIdentical(single, copy1, "copy 1");
        }
    }

    @Test
    void savedAndLoadedStateAreCopiesNotAliasesOfTheLiveState() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(m);
            Parameter p = OptimizerFixtures.parameter(block, "01Linear_weight");
            StatefulOptimizer opt = Optimizers.adamW().build();
            train(opt, block, 0, 2, m);
            NDList saved = opt.saveState(block, m);
            NDArray savedM = saved.get(0);
            assertEquals("01Linear_weight.m", savedM.getName());
            int[] atSave = OptimizerFixtures.bits(savedM);
            train(opt, block, 2, 1, m);
            assertArrayEquals(atSave, OptimizerFixtures.bits(savedM), "saving must copy the state");

            StatefulOptimizer other = Optimizers.adamW().build();
            other.loadState(block, saved);
            train(other, block, 2, 1, m);
            assertArrayEquals(atSave, OptimizerFixtures.bits(savedM), "loading must copy the state");
            saved.close();
            train(other, block, 3, 1, m); // still has its own state after the caller closed the list
            assertEquals(4, other.step(p.getId()));
        }
    }

    @Test
    void plainSgdSavesStepCountsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(m);
            StatefulOptimizer sgd = Optimizers.sgd().learningRate(0.1f).build();
            train(sgd, block, 0, 2, m);
            NDList saved = sgd.saveState(block, m);
            assertEquals(block.getParameters().size(), saved.size());
            assertTrue(names(saved).stream().allMatch(n -> n.endsWith(".step")), names(saved).toString());
            assertEquals(2L, saved.get(0).getLong());
        }
    }

    @Test
    void loadRejectsForeignOrMalformedStateAndChangesNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = OptimizerFixtures.initialisedMlp(m);
            Parameter weight = OptimizerFixtures.parameter(block, "01Linear_weight");
            StatefulOptimizer sgd = Optimizers.sgd().learningRate(0.1f).momentum(0.9f).build();
            train(sgd, block, 0, 1, m);
            NDList sgdState = sgd.saveState(block, m);
            StatefulOptimizer adamW = Optimizers.adamW().build();
            train(adamW, block, 0, 2, m);
            float[] mBefore = adamW.state(weight.getId(), weight.getArray().getDevice()).get(0).toFloatArray();

            IllegalArgumentException foreign =
                    assertThrows(IllegalArgumentException.class, () -> adamW.loadState(block, sgdState));
            assertTrue(foreign.getMessage().contains("momentum") && foreign.getMessage().contains("AdamW"),
                    foreign.getMessage());

            NDList good = adamW.saveState(block, m);
            NDList wrongShape = renamed(good, "01Linear_weight.m", m.zeros(new Shape(2, 2)));
            IllegalArgumentException shape =
                    assertThrows(IllegalArgumentException.class, () -> adamW.loadState(block, wrongShape));
            assertTrue(shape.getMessage().contains("01Linear_weight.m") && shape.getMessage().contains("(2, 2)"),
                    shape.getMessage());

            NDList unknown = new NDList(good);
            NDArray extra = m.zeros(new Shape(1));
            extra.setName("nope.m");
            unknown.add(extra);
            IllegalArgumentException name =
                    assertThrows(IllegalArgumentException.class, () -> adamW.loadState(block, unknown));
            assertTrue(name.getMessage().contains("'nope'"), name.getMessage());

            NDList noStep = new NDList();
            for (NDArray a : good) {
                if (!a.getName().equals("02LayerNorm_gamma.step")) {
                    noStep.add(a);
                }
            }
            IllegalArgumentException missing =
                    assertThrows(IllegalArgumentException.class, () -> adamW.loadState(block, noStep));
            assertTrue(missing.getMessage().contains("02LayerNorm_gamma.step"), missing.getMessage());

            assertEquals(2, adamW.step(weight.getId()));
            assertArrayEquals(
                    mBefore, adamW.state(weight.getId(), weight.getArray().getDevice()).get(0).toFloatArray());
        }
    }

    @Test
    void saveRejectsABlockThatDoesNotHoldTheTrainedParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block trained = OptimizerFixtures.initialisedMlp(m);
            Block other = OptimizerFixtures.initialisedMlp(m);
            StatefulOptimizer opt = Optimizers.adamW().build();
            train(opt, trained, 0, 1, m);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> opt.saveState(other, m));
            assertTrue(e.getMessage().contains("6 parameters"), e.getMessage());
        }
    }

    @Test
    void aMaskUpdateWithTheWrongShapeFailsClearly() {
        try (NDManager m = NDManager.newBaseManager()) {
            StatefulOptimizer opt = Optimizers.adamW().build();
            NDArray w = m.ones(new Shape(2, 3));
            opt.update("w", w, m.ones(new Shape(2, 3)));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> opt.onMaskUpdate("w", w.getDevice(), m.zeros(new Shape(3, 2)), m.zeros(new Shape(3, 2))));
            assertTrue(e.getMessage().contains("(3, 2)") && e.getMessage().contains("(2, 3)"), e.getMessage());
        }
    }

    @Test
    void updatesAndMaskChangesLeakNoArrays() {
        for (StatefulOptimizer opt :
                List.of(
                        Optimizers.adamW().learningRate(0.01f).build(),
                        Optimizers.sgd().learningRate(0.01f).momentum(0.9f).build())) {
            try (NDManager model = NDManager.newBaseManager();
                    NDManager data = NDManager.newBaseManager()) {
                Block block = OptimizerFixtures.initialisedMlp(model);
                train(opt, block, 0, 1, data); // the first step creates the state
                int modelArrays = model.getManagedArrays().size();
                int dataArrays = data.getManagedArrays().size();
                for (int s = 1; s < 6; s++) {
                    try (NDManager batch = data.newSubManager()) {
                        train(opt, block, s, 1, batch);
                        List<NDArray> masks = new ArrayList<>();
                        for (Pair<String, Parameter> p : block.getParameters()) {
                            NDArray w = p.getValue().getArray();
                            NDArray pruned = OptimizerFixtures.pattern(batch, w.getShape(), s).gt(0.5f)
                                    .toType(DataType.FLOAT32, false);
                            NDArray grown = OptimizerFixtures.pattern(batch, w.getShape(), s).lt(-0.5f)
                                    .toType(DataType.FLOAT32, false);
                            masks.add(pruned);
                            masks.add(grown);
                            int before = batch.getManagedArrays().size();
                            opt.onMaskUpdate(p.getValue().getId(), w.getDevice(), pruned, grown);
                            assertEquals(before, batch.getManagedArrays().size(), "mask update left arrays");
                        }
                    }
                    assertEquals(modelArrays, model.getManagedArrays().size(), opt + " step " + s);
                    assertEquals(dataArrays, data.getManagedArrays().size(), opt + " step " + s);
                }
            }
        }
    }

    private static List<String> names(NDList list) {
        List<String> out = new ArrayList<>();
        for (NDArray a : list) {
            out.add(a.getName());
        }
        return out;
    }

    private static NDList renamed(NDList list, String name, NDArray replacement) {
        NDList out = new NDList();
        for (NDArray a : list) {
            if (a.getName().equals(name)) {
                replacement.setName(name);
                out.add(replacement);
            } else {
                out.add(a);
            }
        }
        return out;
    }
}
