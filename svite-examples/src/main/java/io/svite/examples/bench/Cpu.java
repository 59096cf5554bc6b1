package io.svite.examples.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The process's CPU time, for benchmarks that run beside other work on a shared machine. */
final class Cpu {

    private Cpu() {}

    /**
     * CPU time of the whole process, every thread (PyTorch's included).
     *
     * @return nanoseconds, or −1 if the JVM does not report it
     */
    static long processNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }
}
