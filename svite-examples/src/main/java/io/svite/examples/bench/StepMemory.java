package io.svite.examples.bench;

import io.svite.models.deit.DeiTConfig;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Peak memory of training one {@link StepVariant}, measured in a process of its own.
 *
 * <p>Peak resident memory is a property of a whole process, so each variant trains in a child JVM
 * started with the parent's class path and engine settings: five steps with units swapped every four
 * steps after a two-pass score window, so the peak covers narrow passes, full-width score passes and
 * the update. The child prints its {@code VmHWM} (Linux) and, on a GPU, the device memory in use
 * at the end — PyTorch's caching allocator keeps what the largest pass reserved.
 */
final class StepMemory {

    private static final String MARK = "svite-peak";

    private StepMemory() {}

    /**
     * Trains a variant in a child JVM and reads its peak memory.
     *
     * @param kind the variant
     * @param model the DeiT preset
     * @param budget the sparse parts' budget (its interval and window are replaced by 4 and 2)
     * @param batch images per step
     * @param seed the child's random seed
     * @return the peak
     * @throws IllegalStateException if the child fails (the message holds its output)
     */
    static TrainStepBench.Peak measure(StepVariant.Kind kind, String model, StepVariant.Budget budget, int batch, long seed) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-D") || arg.startsWith("-Xmx")) {
                command.add(arg);
            }
        }
        String threads = System.getProperty("ai.djl.pytorch.num_threads");
        if (threads != null) {
            command.add("-Dai.djl.pytorch.num_threads=" + threads);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StepMemory.class.getName());
        command.addAll(List.of(kind.label(), model, Integer.toString(batch), Double.toString(budget.heads()),
                Double.toString(budget.neurons()), Double.toString(budget.tokens()), Long.toString(seed)));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            TrainStepBench.Peak peak = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.append(line).append('\n');
                    if (line.startsWith(MARK + " ")) {
                        String[] f = line.split(" ");
                        peak = new TrainStepBench.Peak(Double.parseDouble(f[1]), Double.parseDouble(f[2]));
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0 || peak == null) {
                throw new IllegalStateException("the memory measurement of " + kind.label() + " failed (exit " + code
                        + "):\n" + out);
            }
            return peak;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a JVM to measure " + kind.label() + "'s memory: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + kind.label() + "'s memory", e);
        }
    }

    /**
     * The child: trains the named variant for five steps and prints its peak memory.
     *
     * @param args variant, preset, batch, heads, neurons, tokens, seed
     */
    public static void main(String[] args) {
        StepVariant.Kind kind = StepVariant.Kind.of(args[0]);
        DeiTConfig dense = DeiTConfig.preset(args[1]);
        int batch = Integer.parseInt(args[2]);
        StepVariant.Budget budget = new StepVariant.Budget(
                Double.parseDouble(args[3]), Double.parseDouble(args[4]), Double.parseDouble(args[5]), 4, 2);
        Engine.getInstance().setRandomSeed((int) Long.parseLong(args[6]));
        Device device = Engine.getInstance().defaultDevice();
        try (StepVariant variant = StepVariant.create(kind, dense, budget, batch, 1000)) {
            for (int s = 0; s < 5; s++) {
                variant.timedStep();
            }
            double deviceMb = device.isGpu() ? CudaUtils.getGpuMemory(device).getUsed() / 1048576.0 : Double.NaN;
            System.out.println(String.format(Locale.ROOT, "%s %.1f %.1f", MARK, residentPeakMb(), deviceMb));
        }
    }

    /** VmHWM of this process in MiB, NaN without /proc. */
    static double residentPeakMb() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
