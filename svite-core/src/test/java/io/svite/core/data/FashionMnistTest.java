package io.svite.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

class FashionMnistTest {

    @TempDir Path dir;

    /** Writes a tiny Fashion-MNIST look-alike: image i is filled with the value i, label i % 10. */
    static void writeIdx(Path dir, int trainCount, int testCount, boolean gzip) throws IOException {
        writeSplit(dir, "train", trainCount, gzip);
        writeSplit(dir, "t10k", testCount, gzip);
    }

    private static void writeSplit(Path dir, String prefix, int count, boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        try (DataOutputStream out = open(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < count; i++) {
                for (int p = 0; p < 28 * 28; p++) {
                    out.writeByte(i);
                }
            }
        }
        try (DataOutputStream out = open(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gzip)) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(i % 10);
            }
        }
    }

    private static DataOutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream os = Files.newOutputStream(file);
        return new DataOutputStream(gzip ? new GZIPOutputStream(os) : os);
    }

    @Test
    void loadsTheIdxFilesFromTheDataFolder() throws Exception {
        writeIdx(dir, 20, 10, true);
        try (InMemoryImageData data = FashionMnist.load(Optional.of(dir), Optional.empty());
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(10, data.classes());
            assertEquals(20, data.trainImages().count());
            assertEquals(10, data.testImages().count());
            RandomAccessDataset test = data.test(data.nativeInput(), 4);
            Batch batch = test.getData(m).iterator().next();
            NDArray x = batch.getData().head();
            assertEquals(new Shape(4, 1, 28, 28), x.getShape());
            // image 3 is filled with 3: normalised (3/255 − 0.286) / 0.353
            assertEquals((3 / 255f - 0.2860f) / 0.3530f, x.get(3).max().getFloat(), 1e-5);
            assertEquals(3f, batch.getLabels().head().getFloat(3));
        }
    }

    @Test
    void uncompressedFilesWorkToo() throws Exception {
        writeIdx(dir, 5, 5, false);
        try (InMemoryImageData data = FashionMnist.load(Optional.of(dir), Optional.empty())) {
            assertEquals(5, data.trainImages().count());
        }
    }

    @Test
    void environmentVariableIsUsedWhenNoFlagIsGiven() throws Exception {
        writeIdx(dir, 7, 3, true);
        try (InMemoryImageData data = FashionMnist.load(Optional.empty(), Optional.of(dir))) {
            assertEquals(7, data.trainImages().count());
        }
    }

    @Test
    void aMissingFolderNamesItselfAndHowToGetTheData() {
        Path missing = dir.resolve("nope");
        DataException e = assertThrows(DataException.class, () -> FashionMnist.load(Optional.of(missing), Optional.empty()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void aFolderWithoutTheFilesListsWhatIsMissing() throws IOException {
        Files.writeString(dir.resolve("train-images-idx3-ubyte"), "x");
        DataException e = assertThrows(DataException.class, () -> FashionMnist.load(Optional.of(dir), Optional.empty()));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsReportedAsTruncated() throws IOException {
        writeIdx(dir, 5, 5, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        DataException e = assertThrows(DataException.class, () -> FashionMnist.load(Optional.of(dir), Optional.empty()));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(images.toString()), e.getMessage());
    }

    @Test
    void aFileWithTheWrongMagicIsNotAnIdxFile() throws IOException {
        writeIdx(dir, 5, 5, false);
        Files.writeString(dir.resolve("t10k-labels-idx1-ubyte"), "this is not an idx file at all");
        DataException e = assertThrows(DataException.class, () -> FashionMnist.load(Optional.of(dir), Optional.empty()));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }
}
