package io.svite.core.testing;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;

import java.util.Random;

/** A small MLP and synthetic data for engine tests: no ViT, so the engine is shown to be model-agnostic. */
public final class Mlp {

    public static final int IN = 16;
    public static final int CLASSES = 4;

    private Mlp() {}

    /** 16 → 64 → 32 → 4 with ReLU. */
    public static SequentialBlock block() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(64).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    public static Model model() {
        Model model = Model.newInstance("mlp");
        model.setBlock(block());
        return model;
    }

    /**
     * Four Gaussian blobs in 16-D: class c has mean 2·e_c (plus a shared random offset), σ 1.
     *
     * @param manager where the arrays live
     * @param n examples
     * @param seed the seed
     * @return a shuffled dataset of (x, label)
     */
    public static ArrayDataset blobs(NDManager manager, int n, int batch, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * IN];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(CLASSES);
            y[i] = c;
            for (int j = 0; j < IN; j++) {
                x[i * IN + j] = (float) (r.nextGaussian() + (j % CLASSES == c ? 1.5 : 0));
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, IN)))
                .optLabels(manager.create(y))
                .setSampling(batch, true)
                .build();
    }

    /** One training batch of random data, EasyTrain order: forward, backward, listeners, step. */
    public static void step(Trainer trainer, NDManager parent, int batch, long seed) {
        try (NDManager m = parent.newSubManager()) {
            Random r = new Random(seed);
            float[] x = new float[batch * IN];
            float[] y = new float[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = r.nextInt(CLASSES);
                for (int j = 0; j < IN; j++) {
                    x[i * IN + j] = (float) r.nextGaussian() + (j % CLASSES == (int) y[i] ? 1.5f : 0f);
                }
            }
            NDArray data = m.create(x, new Shape(batch, IN));
            NDArray labels = m.create(y);
            Batch b = new Batch(m, new NDList(data), new NDList(labels), batch, null, null, 0, 1);
            EasyTrain.trainBatch(trainer, b);
            trainer.step();
        }
    }
}
