package io.svite.core.training;

/** The child JVM of {@link ExitGuardTest}: one shutdown scenario per run, output on stdout. */
public final class ExitGuardChild {

    private ExitGuardChild() {}

    /**
     * Runs a scenario.
     *
     * @param args the scenario's name
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stops": {
                Thread worker = new Thread(() -> {
                    try (ExitGuard.Hold hold = ExitGuard.hold()) {
                        try {
                            for (long step = 1; ; step++) {
                                ExitGuard.stopIfExiting("step " + step);
                                Thread.sleep(100); // a step of engine work
                            }
                        } catch (TrainingStoppedException e) {
                            System.out.println("worker: " + e.getMessage());
                        } catch (InterruptedException e) {
                            System.out.println("worker: interrupted");
                        }
                        System.out.println("worker: releasing the hold");
                        System.out.flush();
                    }
                }, "worker");
                worker.start();
                Thread.sleep(500);
                System.exit(0);
                break;
            }
            case "exits-while-holding": {
                ExitGuard.hold();
                System.exit(3);
                break;
            }
            case "never-stops": {
                Thread worker = new Thread(() -> {
                    try (ExitGuard.Hold hold = ExitGuard.hold()) {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "worker");
                worker.setDaemon(true);
                worker.start();
                Thread.sleep(300);
                System.exit(0);
                break;
            }
            case "hold-in-hook": {
                ExitGuard.hold().close(); // installs the guard's hook
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    long deadline = System.nanoTime() + 5_000_000_000L;
                    while (!ExitGuard.exitRequested() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    try {
                        ExitGuard.hold().close();
                        System.out.println("hook: a hold was granted during the shutdown");
                    } catch (TrainingStoppedException e) {
                        System.out.println("hook: refused: " + e.getMessage());
                    }
                    System.out.flush();
                }));
                System.exit(0);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown scenario " + args[0]);
        }
    }
}
