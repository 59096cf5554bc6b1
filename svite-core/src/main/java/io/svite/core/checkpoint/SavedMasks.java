package io.svite.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The masks of a mask checkpoint ({@code name.masks}, written by {@code SparseRun.save}) read back
 * to the host, for reports and pictures; nothing of a model is needed to read them.
 *
 * <p>The file is verified exactly as when resuming (magic, version, CRC-32), and every mask's count
 * of kept entries is checked against the count the file's header records.
 *
 * @param file where the masks were read from
 * @param step optimizer steps done when they were saved
 * @param seed the run's mask seed
 * @param tensors one entry per selected tensor, in the order of the model's parameters
 */
public record SavedMasks(Path file, long step, long seed, List<Tensor> tensors) {

    /** Copies the list. */
    public SavedMasks {
        tensors = List.copyOf(tensors);
    }

    /**
     * One selected tensor of a saved run.
     *
     * @param parameter the parameter's display name, e.g. {@code block0_attn_qkv_weight}
     * @param shape the tensor's shape
     * @param active entries kept (equal to the size for a tensor the distribution left dense)
     * @param kept per entry in row-major order, whether it is kept; null for a dense tensor (the
     *     file stores no mask for it)
     */
    public record Tensor(String parameter, List<Long> shape, long active, boolean[] kept) {

        /** Copies the shape. */
        public Tensor {
            shape = List.copyOf(shape);
        }

        /**
         * The layer's name: the display name without its last {@code _part}, e.g. {@code
         * block0_attn_qkv} (the cost model's layer names).
         *
         * @return the layer name
         */
        public String layer() {
            int cut = parameter.lastIndexOf('_');
            return cut < 0 ? parameter : parameter.substring(0, cut);
        }

        /**
         * Entries of the tensor.
         *
         * @return the product of the shape
         */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /**
         * Whether the distribution left this tensor dense (no mask stored).
         *
         * @return true for a dense tensor
         */
        public boolean dense() {
            return kept == null;
        }

        /**
         * Pruned entries.
         *
         * @return size − active
         */
        public long zeros() {
            return size() - active;
        }

        /**
         * Fraction of entries kept.
         *
         * @return active / size
         */
        public double density() {
            return (double) active / size();
        }
    }

    /**
     * Reads and verifies a mask checkpoint.
     *
     * @param file a {@code .masks} file
     * @return its masks on the host
     * @throws IllegalArgumentException if the file is missing, corrupt, not a mask checkpoint, or a
     *     mask disagrees with its header
     * @throws IOException if it cannot be read
     */
    public static SavedMasks read(Path file) throws IOException {
        MaskCheckpoint.Contents contents = MaskCheckpoint.read(file);
        List<Tensor> tensors = new ArrayList<>();
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            NDList arrays = contents.decode(host);
            for (MaskCheckpoint.Entry e : contents.entries()) {
                List<Long> shape = Arrays.stream(e.shape()).boxed().toList();
                NDArray mask = arrays.get(MaskCheckpoint.maskKey(e.parameter()));
                boolean[] kept = null;
                if (mask != null) {
                    byte[] bytes = mask.toByteArray();
                    long size = shape.stream().reduce(1L, (a, b) -> a * b);
                    if (bytes.length != size) {
                        throw new IllegalArgumentException(
                                "mask checkpoint " + file + ": the mask of " + e.parameter() + " has " + bytes.length
                                        + " entries, its shape " + shape + " needs " + size);
                    }
                    kept = new boolean[bytes.length];
                    long count = 0;
                    for (int i = 0; i < bytes.length; i++) {
                        kept[i] = bytes[i] != 0;
                        count += kept[i] ? 1 : 0;
                    }
                    if (count != e.active()) {
                        throw new IllegalArgumentException(
                                "mask checkpoint " + file + ": the mask of " + e.parameter() + " keeps " + count
                                        + " entries, its header says " + e.active());
                    }
                }
                tensors.add(new Tensor(e.parameter(), shape, e.active(), kept));
            }
        }
        return new SavedMasks(file, contents.step(), contents.seed(), tensors);
    }

    /**
     * The tensors that have a mask (the distribution made them sparse).
     *
     * @return the masked tensors, in model order
     */
    public List<Tensor> masked() {
        return tensors.stream().filter(t -> !t.dense()).toList();
    }
}
