package io.svite.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

class FolderImageDataTest {

    @TempDir Path dir;

    private static void image(Path file, Color color) throws IOException {
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                img.setRGB(x, y, color.getRGB());
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void trainAndValFoldersGiveClassesAndResizedBatches() throws Exception {
        for (String split : new String[] {"train", "val"}) {
            for (int i = 0; i < 3; i++) {
                image(dir.resolve(split).resolve("cat").resolve(i + ".png"), Color.RED);
                image(dir.resolve(split).resolve("dog").resolve(i + ".png"), Color.BLUE);
            }
        }
        FolderImageData data = FolderImageData.open(dir, 16);
        assertEquals(java.util.List.of("cat", "dog"), data.classNames());
        try (NDManager m = NDManager.newBaseManager()) {
            Batch batch = data.test(new InputSpec(16, 3), 6).getData(m).iterator().next();
            NDArray x = batch.getData().head();
            assertEquals(new Shape(6, 3, 16, 16), x.getShape());
            // a red cat: the red channel is above the green one after normalisation
            assertTrue(x.get("0,0").mean().getFloat() > x.get("0,1").mean().getFloat());
            assertEquals(0f, batch.getLabels().head().getFloat(0));
            assertEquals(1f, batch.getLabels().head().getFloat(5));
        }
    }

    @Test
    void aFlatFolderIsSplitNinetyTen() throws Exception {
        for (int i = 0; i < 10; i++) {
            image(dir.resolve("a").resolve(i + ".png"), Color.RED);
            image(dir.resolve("b").resolve(i + ".png"), Color.GREEN);
        }
        FolderImageData data = FolderImageData.open(dir, 8);
        assertEquals(18, data.train(new InputSpec(8, 3), new SeededSampler(4, true, 1)).size());
        assertEquals(2, data.test(new InputSpec(8, 3), 4).size());
    }

    @Test
    void aFolderWithoutClassFoldersIsAClearError() throws IOException {
        Files.createDirectories(dir.resolve("only"));
        DataException e = assertThrows(DataException.class, () -> FolderImageData.open(dir, 8));
        assertTrue(e.getMessage().contains("one sub-folder of images per class"), e.getMessage());
    }
}
