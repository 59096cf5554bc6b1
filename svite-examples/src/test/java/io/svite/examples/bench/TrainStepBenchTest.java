package io.svite.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

class TrainStepBenchTest {

    @Test
    void theScoreWindowIsTheLastPassesBeforeEachUpdate() {
        // updates after steps 5 and 10; two score passes before each
        long[] scored = LongStream.rangeClosed(1, 12).filter(s -> TrainStepBench.inScoreWindow(s, 5, 2)).toArray();
        assertEquals("[4, 5, 9, 10]", java.util.Arrays.toString(scored));
    }
}
