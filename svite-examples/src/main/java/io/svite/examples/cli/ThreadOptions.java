package io.svite.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import picocli.CommandLine.Option;

/** The {@code --threads} option of the benchmarks: PyTorch's intra-op threads for the run. */
final class ThreadOptions {

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads (default: the launcher's SVITE_THREADS, else every core). On a shared machine 1 gives the steadiest timings.")
    Integer threads;

    /**
     * Sets the engine's thread count if {@code --threads} was given.
     *
     * @return the threads the engine now uses
     * @throws IllegalArgumentException if the value is below 1
     */
    int apply() {
        if (threads != null) {
            Conversions.positive("--threads", threads);
            // read by the benchmarks' reports (and by the engine if it is not started yet)
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            if (threads != null) {
                throw new IllegalArgumentException("--threads needs the PyTorch engine, got " + Engine.getInstance().getEngineName());
            }
            return 0;
        }
        if (threads != null) {
            JniUtils.setNumThreads(threads);
        }
        return JniUtils.getNumThreads();
    }
}
