package io.svite.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named tensors survive the round trip bit for bit; NaN, truncation and foreign files are refused. */
class TensorFileTest {

    @TempDir Path dir;

    @Test
    void tensorsRoundTripBitForBitWithNamesShapesAndTypes() throws Exception {
        Path file = dir.resolve("t.tensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> in = new LinkedHashMap<>();
            in.put("w", m.randomNormal(new Shape(3, 4)));
            in.put("neg-zero", m.create(new float[] {-0f, 0f, Float.MIN_VALUE}));
            in.put("step", m.create(7L));
            in.put("mask", m.create(new boolean[] {true, false, true}));
            try (OutputStream out = Files.newOutputStream(file)) {
                TensorFile.write(out, in, true);
            }
            Map<String, NDArray> back = TensorFile.read(file, m);
            assertEquals(List.copyOf(in.keySet()), List.copyOf(back.keySet()));
            for (String k : in.keySet()) {
                assertEquals(in.get(k).getShape(), back.get(k).getShape(), k);
                assertEquals(in.get(k).getDataType(), back.get(k).getDataType(), k);
                assertArrayEquals(in.get(k).toByteArray(), back.get(k).toByteArray(), k);
            }
            assertEquals(new Shape(), back.get("step").getShape());
            assertEquals(DataType.BOOLEAN, back.get("mask").getDataType());
        }
    }

    @Test
    void aNonFiniteTensorStopsTheWriteAndIsNamed() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(dir.resolve("x"))) {
            Map<String, NDArray> in = new LinkedHashMap<>();
            in.put("fine", m.ones(new Shape(2)));
            in.put("bad", m.create(new float[] {1f, Float.NaN}));
            NonFiniteValuesException e = assertThrows(NonFiniteValuesException.class, () -> TensorFile.write(out, in, true));
            assertEquals("bad", e.tensor());
            Map<String, NDArray> inf = Map.of("inf", m.create(new double[] {Double.NEGATIVE_INFINITY}));
            assertThrows(NonFiniteValuesException.class, () -> TensorFile.write(out, inf, true));
            TensorFile.write(out, inf, false);
        }
    }

    @Test
    void truncatedOrForeignFilesAreRefused() throws Exception {
        Path file = dir.resolve("t.tensors");
        try (NDManager m = NDManager.newBaseManager()) {
            try (OutputStream out = Files.newOutputStream(file)) {
                TensorFile.write(out, Map.of("w", m.ones(new Shape(100))), true);
            }
            byte[] all = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(all, all.length - 10));
            CheckpointException e = assertThrows(CheckpointException.class, () -> TensorFile.read(file, m));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            Files.writeString(file, "hello, not tensors at all");
            e = assertThrows(CheckpointException.class, () -> TensorFile.read(file, m));
            assertTrue(e.getMessage().contains("not an svite tensor file"), e.getMessage());
        }
    }
}
