package io.svite.examples.cli;

/**
 * The command line, watched: prints {@code in-backward} on standard output the moment the main
 * thread is inside PyTorch's backward pass (one native call that runs the whole graph, the patch
 * embedding's convolution last), so that a test can send the process a signal exactly then.
 */
final class ExitDuringBackward {

    private ExitDuringBackward() {}

    /**
     * Runs {@code svite} with the arguments and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        Thread watcher = new Thread(() -> {
            while (true) {
                StackTraceElement[] stack = main.getStackTrace();
                if (stack.length > 0 && stack[0].getMethodName().equals("torchBackward")) {
                    System.out.println("in-backward");
                    System.out.flush();
                    return;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "backward-watcher");
        watcher.setDaemon(true);
        watcher.start();
        System.exit(Svite.run(args));
    }
}
