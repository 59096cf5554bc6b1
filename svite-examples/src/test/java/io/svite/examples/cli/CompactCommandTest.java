package io.svite.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import io.svite.models.deit.DeiT;
import io.svite.models.deit.DeiTConfig;
import io.svite.models.io.DeiTFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

class CompactCommandTest {

    @TempDir Path dir;

    /** A two-block mini DeiT with one head and half the neurons of block 1 gated off, saved in {@code dir}. */
    static DeiTConfig saveGated(Path dir) throws Exception {
        DeiTConfig config = DeiTConfig.mini().withDepth(2);
        try (Model model = Model.newInstance("deit")) {
            DeiT deit = DeiT.of(config);
            model.setBlock(deit);
            deit.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            deit.blocks().get(1).attention().headGate().getArray().set(new NDIndex("1"), 0f);
            deit.blocks().get(1).mlp().neuronGate().getArray().set(new NDIndex("0:192"), 0f);
            DeiTFiles.save(model, dir);
        }
        return config;
    }

    @Test
    void compactsASavedGatedDeitAndPrintsTheSaving() throws Exception {
        Path gated = dir.resolve("gated-model");
        saveGated(gated);
        Path out = dir.resolve("small");
        String[] r = TrainCommandTest.run("compact", "--checkpoint", gated.toString(), "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("heads           3,2 of 3 per block"), r[1]);
        assertTrue(r[1].contains("neurons         384,192 of 384 per block"), r[1]);
        assertTrue(r[1].contains("parameters") && r[1].contains("MACs / image") && r[1].contains("fewer"), r[1]);
        assertEquals(2, DeiTFiles.readConfig(out).blocks().get(1).heads());

        r = TrainCommandTest.run("compact", "--checkpoint", gated.toString(), "--out", dir.resolve("padded").toString(),
                "--neuron-multiple", "100", "--json");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("\"neurons\": 200"), "192 padded to 200: " + r[1]);
    }

    @Test
    void badCheckpointsAndOutputsAreOneClearLineAndWriteNothing() throws Exception {
        String[] r = TrainCommandTest.run("compact", "--checkpoint", dir.resolve("absent").toString(), "--out",
                dir.resolve("o").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("svite: checkpoint " + dir.resolve("absent") + " does not exist"), r[2]);

        Files.createDirectories(dir.resolve("empty"));
        r = TrainCommandTest.run("compact", "--checkpoint", dir.resolve("empty").toString(), "--out",
                dir.resolve("o").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no saved DeiT in") && r[2].contains("gated/ and in model/"), r[2]);

        Path gated = dir.resolve("run").resolve("model");
        saveGated(gated);
        Path file = Files.writeString(dir.resolve("taken"), "x");
        r = TrainCommandTest.run("compact", "--checkpoint", dir.resolve("run").toString(), "--out", file.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is a file"), r[2]);
        assertEquals("x", Files.readString(file));

        Path weights = gated.resolve("deit-0000.params");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        r = TrainCommandTest.run("compact", "--checkpoint", gated.toString(), "--out", dir.resolve("o").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("svite: ") && r[2].contains("truncated"), r[2]);
        assertTrue(!r[2].contains("\tat "), r[2]);
        assertFalse(Files.exists(dir.resolve("o")), "nothing written");

        Files.delete(weights);
        r = TrainCommandTest.run("compact", "--checkpoint", gated.toString(), "--out", dir.resolve("o").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("deit-0000.params: missing: the checkpoint in"), r[2]);
    }
}
