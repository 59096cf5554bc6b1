package io.svite.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.svite.core.augment.Augmentation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/** The parallel input pipeline: batches independent of the worker count, soft targets, clear errors. */
class AugmentedImagesTest {

    @TempDir Path dir;

    /** Every batch of one epoch: indices, images and labels as host arrays. */
    private static List<float[]> epoch(RandomAccessDataset data, List<List<?>> indices) throws Exception {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Batch b : data.getData(m)) {
                try (b) {
                    indices.add(new ArrayList<>(b.getIndices()));
                    out.add(b.getData().head().toFloatArray());
                    out.add(b.getLabels().head().toFloatArray());
                }
            }
        }
        return out;
    }

    private static RandomAccessDataset deit(InMemoryImageData images, int workers, SeededSampler sampler) {
        return AugmentedImages.builder()
                .source(images.trainSource())
                .input(new InputSpec(24, 3))
                .normalise(images.mean(), images.std())
                .augmentation(Augmentation.preset("deit"), images.classes())
                .seed(5)
                .workers(workers)
                .prefetch(3)
                .setSampling(sampler)
                .build();
    }

    @Test
    void batchesAreTheSameInOrderAndContentWithOneAndWithSeveralWorkers() throws Exception {
        try (InMemoryImageData images = SyntheticImages.create(4, 40, 8, 16, 3)) {
            List<List<?>> one = new ArrayList<>();
            List<List<?>> four = new ArrayList<>();
            SeededSampler s1 = new SeededSampler(8, true, 9);
            SeededSampler s4 = new SeededSampler(8, true, 9);
            RandomAccessDataset a = deit(images, 1, s1);
            RandomAccessDataset b = deit(images, 4, s4);
            List<float[]> first = epoch(a, one);
            List<float[]> again = epoch(b, four);
            assertEquals(one, four, "the same images in the same order");
            assertEquals(first.size(), again.size());
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), again.get(i), "batch part " + i);
            }
            // the next epoch is augmented differently, and a sampler positioned there reproduces it
            List<float[]> second = epoch(a, new ArrayList<>());
            assertFalse(java.util.Arrays.equals(first.get(0), second.get(0)));
            SeededSampler resumed = new SeededSampler(8, true, 9);
            resumed.seek(1, 2);
            List<float[]> tail = epoch(deit(images, 2, resumed), new ArrayList<>());
            assertArrayEquals(second.get(4), tail.get(0), "a resumed epoch starts with the batch it stopped at");
            assertArrayEquals(second.get(5), tail.get(1));
        }
    }

    @Test
    void mixedBatchesHaveTheModelsShapeAndSoftTargetsThatSumToOne() throws Exception {
        try (InMemoryImageData images = SyntheticImages.create(4, 16, 8, 16, 3);
                NDManager m = NDManager.newBaseManager()) {
            RandomAccessDataset data = deit(images, 2, new SeededSampler(8, true, 1));
            for (Batch b : data.getData(m)) {
                try (b) {
                    assertEquals(new Shape(8, 3, 24, 24), b.getData().head().getShape());
                    assertEquals(new Shape(8, 4), b.getLabels().head().getShape());
                    for (float s : b.getLabels().head().sum(new int[] {1}).toFloatArray()) {
                        assertEquals(1f, s, 1e-5f);
                    }
                }
            }
        }
    }

    @Test
    void withoutAugmentationThePipelineGivesTheBatchTransformsImages() throws Exception {
        try (InMemoryImageData images = SyntheticImages.create(4, 16, 8, 16, 3);
                NDManager m = NDManager.newBaseManager()) {
            InputSpec spec = new InputSpec(16, 1);
            RandomAccessDataset plain = images.train(spec, new SeededSampler(8, false, 0));
            RandomAccessDataset piped = AugmentedImages.builder().source(images.trainSource()).input(spec)
                    .normalise(images.mean(), images.std()).setSampling(new SeededSampler(8, false, 0)).build();
            Batch x = plain.getData(m).iterator().next();
            Batch y = piped.getData(m).iterator().next();
            float[] a = x.getData().head().toFloatArray();
            float[] b = y.getData().head().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5f);
            }
            assertArrayEquals(x.getLabels().head().toFloatArray(), y.getLabels().head().toFloatArray());
        }
    }

    private static void png(Path file, Color color) throws IOException {
        BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 12; x++) {
                img.setRGB(x, y, color.getRGB());
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void aFolderDecodesJpegAndPngInParallelTheSameWayAsInOneThread() throws Exception {
        for (int i = 0; i < 6; i++) {
            png(dir.resolve("a").resolve(i + ".png"), new Color(200, 10 * i, 0));
            BufferedImage img = new BufferedImage(9, 14, BufferedImage.TYPE_INT_RGB);
            img.setRGB(1, 1, Color.GREEN.getRGB());
            ImageIO.write(img, "jpg", dir.resolve("a").resolve(i + ".jpg").toFile());
            png(dir.resolve("b").resolve(i + ".png"), new Color(0, 20 * i, 200));
        }
        FolderImageData data = FolderImageData.open(dir, 16);
        assertEquals(18, data.trainCount() + data.test(new InputSpec(16, 3), 4).size(), "12 images of a (PNG and JPEG), 6 of b");
        List<List<?>> one = new ArrayList<>();
        List<List<?>> three = new ArrayList<>();
        List<float[]> a = epoch(AugmentedImages.builder().source(data.trainSource()).input(new InputSpec(16, 3))
                .augmentation(Augmentation.preset("deit"), 2).seed(1).workers(1)
                .setSampling(new SeededSampler(4, true, 2)).build(), one);
        List<float[]> b = epoch(AugmentedImages.builder().source(data.trainSource()).input(new InputSpec(16, 3))
                .augmentation(Augmentation.preset("deit"), 2).seed(1).workers(3)
                .setSampling(new SeededSampler(4, true, 2)).build(), three);
        assertEquals(one, three);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i));
        }
    }

    @Test
    void anUnreadableImageIsOneErrorNamingTheFile() throws Exception {
        png(dir.resolve("a").resolve("0.png"), Color.RED);
        png(dir.resolve("b").resolve("0.png"), Color.BLUE);
        Path bad = dir.resolve("b").resolve("broken.jpg");
        Files.writeString(bad, "not an image");
        DataException e = assertThrows(DataException.class, () -> FolderImageData.open(dir, 8));
        assertEquals("cannot read image " + bad + ": not a JPEG or PNG file", e.getMessage());
    }

    @Test
    void anImageThatBreaksWhileTrainingIsTheSameErrorFromTheWorker() throws Exception {
        for (int i = 0; i < 4; i++) {
            png(dir.resolve("a").resolve(i + ".png"), Color.RED);
            png(dir.resolve("b").resolve(i + ".png"), Color.BLUE);
        }
        FolderImageData data = FolderImageData.open(dir, 8);
        Path victim = dir.resolve("a").resolve("1.png");
        Files.write(victim, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        DataException e = assertThrows(DataException.class,
                () -> epoch(data.train(new InputSpec(8, 3), new SeededSampler(8, false, 0)), new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("cannot read image " + victim), e.getMessage());
    }

    @Test
    void aFolderWithOneClassIsRefusedByName() throws Exception {
        png(dir.resolve("only").resolve("0.png"), Color.RED);
        DataException e = assertThrows(DataException.class, () -> FolderImageData.open(dir, 8));
        assertEquals(dir + " needs one sub-folder of images per class (at least 2), found 1", e.getMessage());
    }
}
