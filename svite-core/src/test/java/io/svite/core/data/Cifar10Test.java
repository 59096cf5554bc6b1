package io.svite.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class Cifar10Test {

    @TempDir Path dir;

    private static byte[] records(int count, int labelOffset) {
        byte[] bytes = new byte[count * 3073];
        for (int r = 0; r < count; r++) {
            bytes[r * 3073] = (byte) ((r + labelOffset) % 10);
            bytes[r * 3073 + 1] = (byte) 200; // first red pixel
            bytes[r * 3073 + 1 + 1024] = (byte) 100; // first green pixel
        }
        return bytes;
    }

    @Test
    void readsTheBinaryBatches() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int i = 1; i <= 5; i++) {
            Files.write(sub.resolve("data_batch_" + i + ".bin"), records(3, i));
        }
        Files.write(sub.resolve("test_batch.bin"), records(4, 0));
        try (InMemoryImageData data = Cifar10.load(dir)) {
            assertEquals(15, data.trainImages().count());
            assertEquals(4, data.testImages().count());
            assertEquals(3, data.channels());
            assertEquals(32, data.imageSize());
            assertEquals(2, data.testImages().labels()[2]);
            assertEquals((byte) 200, data.testImages().pixels()[0]);
            assertEquals((byte) 100, data.testImages().pixels()[1024]);
            assertEquals("airplane", data.classNames().get(0));
        }
    }

    @Test
    void aTruncatedBatchIsAClearError() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(2, 0));
        }
        Files.write(dir.resolve("test_batch.bin"), java.util.Arrays.copyOf(records(2, 0), 3000));
        DataException e = assertThrows(DataException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void missingFilesAreListed() {
        DataException e = assertThrows(DataException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("cifar"), e.getMessage());
    }
}
