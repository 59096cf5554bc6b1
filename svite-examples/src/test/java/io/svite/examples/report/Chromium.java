package io.svite.examples.report;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens a page in a real headless browser — Debian's Chromium — for tests: whether it renders and
 * whether every image decoded. Without Chromium a test that needs it is skipped with a message
 * saying how to install it; {@code .ci/run} installs it, so CI always runs these tests.
 *
 * <p>{@link #check} loads a copy of the page with one inline script added before {@code </body>}
 * (and {@code script-src 'unsafe-inline'} added to the copy's Content-Security-Policy, which
 * otherwise forbids scripts); on the window's {@code load} event the script writes a marker
 * element listing the images whose {@code naturalWidth} is 0, and Chromium's {@code --dump-dom}
 * prints the document after it ran.
 */
public final class Chromium {

    /** What the browser saw. */
    public record Result(int images, List<Integer> broken, int tables, int figures, int height, String title, String dom) {}

    private static final String MARKER = "svite-check";
    private static final Pattern RESULT = Pattern.compile(
            "<pre id=\"" + MARKER + "\">images=(\\d+) broken=([0-9,]*) tables=(\\d+) figures=(\\d+) height=(\\d+) title=([^<]*)</pre>");

    private static final String SCRIPT = "<script>addEventListener('load', function () {"
            + "var im = document.images, broken = [];"
            + "for (var i = 0; i < im.length; i++) { if (!(im[i].complete && im[i].naturalWidth > 0)) broken.push(i); }"
            + "var p = document.createElement('pre'); p.id = '" + MARKER + "';"
            + "p.textContent = 'images=' + im.length + ' broken=' + broken.join(',')"
            + " + ' tables=' + document.getElementsByTagName('table').length"
            + " + ' figures=' + document.getElementsByTagName('figure').length"
            + " + ' height=' + document.body.scrollHeight + ' title=' + document.title;"
            + "document.body.appendChild(p); });</script>";

    private Chromium() {}

    /**
     * The browser's executable: {@code SVITE_CHROMIUM}, else {@code chromium} or {@code
     * chromium-browser} on the PATH.
     *
     * @return the executable
     */
    public static Path executable() {
        String override = System.getenv("SVITE_CHROMIUM");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            fail("SVITE_CHROMIUM=" + override + " is not an executable");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        Assumptions.abort("skipped: Chromium is not installed, and this test opens the HTML page in a real headless"
                + " browser; install it with 'apt-get install -y chromium' (.ci/run does), or point SVITE_CHROMIUM at one");
        throw new AssertionError("unreachable");
    }

    /**
     * Loads a page and reports what rendered.
     *
     * @param page the HTML file
     * @return the images, which of them did not decode, the tables, figures, height and title
     * @throws IOException if the browser cannot be run or prints no result
     */
    public static Result check(Path page) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("svite-chromium-");
        try {
            String html = Files.readString(page, StandardCharsets.UTF_8);
            if (!html.contains("</body>")) {
                throw new IOException(page + " has no </body>");
            }
            String probed = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
                    .replace("</body>", SCRIPT + "</body>");
            Path copy = work.resolve(page.getFileName().toString());
            Files.writeString(copy, probed, StandardCharsets.UTF_8);
            String dom = run(work, "--dump-dom", "--virtual-time-budget=15000", copy.toUri().toString());
            Matcher m = RESULT.matcher(dom);
            if (!m.find()) {
                throw new IOException("Chromium printed no result for " + page + " (the page did not load or its load"
                        + " event never fired); it printed " + dom.length() + " characters");
            }
            List<Integer> broken = new ArrayList<>();
            for (String s : m.group(2).split(",")) {
                if (!s.isEmpty()) {
                    broken.add(Integer.parseInt(s));
                }
            }
            return new Result(Integer.parseInt(m.group(1)), broken, Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), m.group(6), dom);
        } finally {
            delete(work);
        }
    }

    /**
     * Takes a screenshot of a page as Chromium renders it.
     *
     * @param page the HTML file
     * @param png the screenshot to write
     * @param width the window's width
     * @param height the window's height
     * @throws IOException if the browser cannot be run or writes nothing
     */
    public static void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("svite-chromium-");
        try {
            Path target = png.toAbsolutePath();
            run(work, "--screenshot=" + target, "--window-size=" + width + "," + height, "--hide-scrollbars",
                    page.toUri().toString());
            if (!Files.isRegularFile(target) || Files.size(target) == 0) {
                throw new IOException("Chromium wrote no screenshot of " + page);
            }
        } finally {
            delete(work);
        }
    }

    /** Runs headless Chromium with a fresh profile in {@code work}; returns its standard output. */
    private static String run(Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + work.resolve("profile")));
        cmd.addAll(List.of(args));
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new IOException("Chromium did not finish within 120 s: " + String.join(" ", cmd));
            }
        } finally {
            // the browser and the helper processes it started, and nothing else
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new IOException("Chromium exited with " + p.exitValue() + ": " + Files.readString(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
