package io.svite.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class StateFileTest {

    @TempDir Path dir;

    private static final float[] VALUES = {1.1f, -0f, Float.MIN_VALUE, -3.4e38f, 0.1f + 0.2f};

    private Path written(NDManager m) throws Exception {
        Path file = dir.resolve("engine.state");
        JsonObject header = new JsonObject();
        header.addProperty("step", 17);
        NDList arrays = new NDList(
                StateFile.hostCopy(m.create(VALUES), "sum", m),
                StateFile.hostCopy(m.create(new boolean[] {true, false, true}), "set", m));
        StateFile.write(file, "test-engine", header, arrays);
        return file;
    }

    @Test
    void floatsRoundTripBitForBitAndBooleansAsBytes() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            StateFile.Contents c = StateFile.read(written(m), "test-engine");
            assertEquals(17, c.getLong("step"));
            Map<String, NDArray> arrays = c.arrays(m);
            float[] back = c.require(arrays, "sum").toFloatArray();
            for (int i = 0; i < VALUES.length; i++) {
                assertEquals(Float.floatToRawIntBits(VALUES[i]), Float.floatToRawIntBits(back[i]), "value " + i);
            }
            NDArray set = c.require(arrays, "set");
            assertEquals(DataType.UINT8, set.getDataType());
            assertArrayEquals(new boolean[] {true, false, true}, set.toType(DataType.BOOLEAN, false).toBooleanArray());
            NDArray owned = StateFile.ownCopy(c.require(arrays, "sum"), Device.cpu());
            assertArrayEquals(VALUES, owned.toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.require(arrays, "other"));
            assertTrue(e.getMessage().contains("has no array 'other'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> c.getLong("updates"));
            assertTrue(e.getMessage().contains("has no field 'updates'"), e.getMessage());
        }
    }

    @Test
    void anEmptyListOfArraysRoundTrips() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Path file = dir.resolve("empty.state");
            StateFile.write(file, "test-engine", new JsonObject(), new NDList());
            assertTrue(StateFile.read(file, "test-engine").arrays(m).isEmpty());
        }
    }

    @Test
    void damagedTruncatedForeignAndMissingFilesAreRefusedByName() throws Exception {
        Path file;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            file = written(m);
        }
        byte[] good = Files.readAllBytes(file);

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StateFile.read(file, "another-engine"));
        assertEquals("state file " + file + " holds the state of 'test-engine', not of 'another-engine'", e.getMessage());

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        Files.write(file, flipped);
        e = assertThrows(IllegalArgumentException.class, () -> StateFile.read(file, "test-engine"));
        assertTrue(e.getMessage().contains(file + " is corrupt (checksum mismatch)"), e.getMessage());

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 5));
        e = assertThrows(IllegalArgumentException.class, () -> StateFile.read(file, "test-engine"));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());

        Files.write(file, "not a state".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e = assertThrows(IllegalArgumentException.class, () -> StateFile.read(file, "test-engine"));
        assertTrue(e.getMessage().contains("is not an svite engine state"), e.getMessage());

        Path missing = dir.resolve("missing.state");
        e = assertThrows(IllegalArgumentException.class, () -> StateFile.read(missing, "test-engine"));
        assertEquals("state file " + missing + " does not exist", e.getMessage());
    }
}
