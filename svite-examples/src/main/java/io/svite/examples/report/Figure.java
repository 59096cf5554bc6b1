package io.svite.examples.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A labelled picture around raster data that no chart can show cell by cell (weight masks, unit
 * maps, unit timelines, image overlays): a title, a subtitle saying the run and step, one or more
 * panels (each a raster with its own title), axis labels with ticks, a legend of what each colour
 * means and, for heatmaps, a colour bar.
 *
 * <p>The rasters are copied pixel for pixel, so a cell's colour in the file is exactly the colour
 * given; text and frames are drawn in colours no raster uses for data ({@link #TEXT}, {@link
 * #FRAME}), and the file records where each raster sits in a {@code tEXt} entry {@value #PANELS}
 * ({@code x,y,width,height} per panel, separated by {@code ;}), so a test can cut a raster out again.
 */
public final class Figure {

    /** The colour of all text and ticks. */
    public static final int TEXT = 0x333333;
    /** The colour of the frame around each raster. */
    public static final int FRAME = 0x9A9A9A;
    /** The background. */
    public static final int BACKGROUND = 0xFFFFFF;
    /** The side of a legend swatch, in pixels. */
    public static final int SWATCH = 14;
    /** The PNG text entry holding the panels' rectangles. */
    public static final String PANELS = "svite:panels";


    /**
     * One raster of cells.
     *
     * @param title the panel's own title, or null
     * @param raster the pixels, {@code cols · cellWidth} wide and {@code rows · cellHeight} high
     * @param rows cells down (for the y ticks)
     * @param cols cells across (for the x ticks)
     */
    public record Panel(String title, BufferedImage raster, int rows, int cols) {}

    /**
     * An axis of a panel.
     *
     * @param label what the axis counts, e.g. {@code block}
     * @param tick the label of the tick at a cell index (e.g. the index itself, or an update's step)
     */
    public record Axis(String label, IntFunction<String> tick) {

        /**
         * An axis whose ticks are the cell indices.
         *
         * @param label what it counts
         * @return the axis
         */
        public static Axis indices(String label) {
            return new Axis(label, Integer::toString);
        }
    }

    /**
     * What a colour means.
     *
     * @param rgb the colour, 0xRRGGBB
     * @param text its meaning
     */
    public record Legend(int rgb, String text) {}

    /**
     * A colour bar for a heatmap.
     *
     * @param scale the colours
     * @param min the value of the scale's start
     * @param max the value of its end
     * @param label what the colour measures
     * @param format how values are printed, e.g. {@code %.0f %%} of the value × {@code factor}
     * @param factor multiplies values before printing (100 for percentages)
     */
    public record ColourBar(ColourScale scale, double min, double max, String label, String format, double factor) {}

    private String title = "";
    private String subtitle;
    private final List<Panel> panels = new ArrayList<>();
    private int perRow = 1;
    private Axis x;
    private Axis y;
    private final List<Legend> legend = new ArrayList<>();
    private ColourBar colourBar;
    private final List<String> notes = new ArrayList<>();

    /**
     * A figure with a title.
     *
     * @param title the title
     * @param subtitle the run and step it shows, or null
     * @return the figure
     */
    public static Figure titled(String title, String subtitle) {
        Figure f = new Figure();
        f.title = title;
        f.subtitle = subtitle;
        return f;
    }

    /**
     * Adds a panel.
     *
     * @param panel the panel
     * @return this
     */
    public Figure panel(Panel panel) {
        panels.add(panel);
        return this;
    }

    /**
     * Lays panels out in rows of {@code n}.
     *
     * @param n panels per row, at least 1
     * @return this
     */
    public Figure perRow(int n) {
        perRow = Math.max(1, n);
        return this;
    }

    /**
     * Sets the axes (either may be null for none).
     *
     * @param xAxis the horizontal axis
     * @param yAxis the vertical axis
     * @return this
     */
    public Figure axes(Axis xAxis, Axis yAxis) {
        x = xAxis;
        y = yAxis;
        return this;
    }

    /**
     * Adds a legend entry.
     *
     * @param rgb the colour
     * @param text its meaning
     * @return this
     */
    public Figure legend(int rgb, String text) {
        legend.add(new Legend(rgb, text));
        return this;
    }

    /**
     * Adds a colour bar.
     *
     * @param bar the bar
     * @return this
     */
    public Figure colourBar(ColourBar bar) {
        colourBar = bar;
        return this;
    }

    /**
     * Adds a line of text under the figure.
     *
     * @param note the line
     * @return this
     */
    public Figure note(String note) {
        notes.add(note);
        return this;
    }

    /**
     * Makes a raster of cells.
     *
     * @param rows cells down
     * @param cols cells across
     * @param cellWidth pixels per cell across
     * @param cellHeight pixels per cell down
     * @param rgb the colour of the cell at (row, col), 0xRRGGBB
     * @return the raster
     */
    public static BufferedImage cells(int rows, int cols, int cellWidth, int cellHeight, CellColour rgb) {
        if (rows < 1 || cols < 1 || cellWidth < 1 || cellHeight < 1) {
            throw new IllegalArgumentException("a raster needs at least one cell of at least one pixel, got " + rows + "×"
                    + cols + " cells of " + cellWidth + "×" + cellHeight);
        }
        BufferedImage img = new BufferedImage(cols * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        int[] line = new int[cols * cellWidth];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = rgb.at(r, c);
                for (int dx = 0; dx < cellWidth; dx++) {
                    line[c * cellWidth + dx] = v;
                }
            }
            for (int dy = 0; dy < cellHeight; dy++) {
                img.setRGB(0, r * cellHeight + dy, line.length, 1, line, 0, line.length);
            }
        }
        return img;
    }

    /** The colour of a cell. */
    @FunctionalInterface
    public interface CellColour {
        /**
         * The colour.
         *
         * @param row the cell's row
         * @param col the cell's column
         * @return 0xRRGGBB
         */
        int at(int row, int col);
    }

    /**
     * Draws the figure.
     *
     * @return the picture and the rectangles of its panels' rasters
     */
    public Rendered render() {
        return new FigureRenderer(title, subtitle, List.copyOf(panels), perRow, x, y, List.copyOf(legend), colourBar,
                List.copyOf(notes)).render();
    }

    /**
     * A drawn figure.
     *
     * @param image the picture
     * @param panels each panel's raster as {x, y, width, height}, in panel order
     */
    public record Rendered(BufferedImage image, List<int[]> panels) {

        /**
         * The {@value Figure#PANELS} entry's value.
         *
         * @return {@code x,y,w,h;…}
         */
        public String panelText() {
            StringBuilder sb = new StringBuilder();
            for (int[] r : panels) {
                sb.append(sb.length() == 0 ? "" : ";").append(r[0]).append(',').append(r[1]).append(',').append(r[2])
                        .append(',').append(r[3]);
            }
            return sb.toString();
        }
    }

    /**
     * Draws the figure into a PNG file.
     *
     * @param png the file
     * @return the drawing
     * @throws IOException if it cannot be written
     */
    public Rendered write(Path png) throws IOException {
        Rendered r = render();
        Images.writePng(r.image(), png, Map.of(PANELS, r.panelText()));
        return r;
    }

    /**
     * The rectangles of a figure file's panels, as {@link #write} recorded them.
     *
     * @param png a figure's file
     * @return {x, y, width, height} per panel
     * @throws IOException if the file cannot be read or records no panels
     */
    public static List<int[]> panels(Path png) throws IOException {
        String value = Images.text(png).get(PANELS);
        if (value == null || value.isEmpty()) {
            throw new IOException(png + " records no panels (" + PANELS + ")");
        }
        List<int[]> out = new ArrayList<>();
        for (String part : value.split(";")) {
            String[] f = part.split(",");
            out.add(new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3])});
        }
        return out;
    }

    /**
     * The raster of one panel of a figure file, cut out pixel for pixel.
     *
     * @param png a figure's file
     * @param panel the panel's index
     * @return its raster
     * @throws IOException if the file cannot be read
     */
    public static BufferedImage raster(Path png, int panel) throws IOException {
        int[] r = panels(png).get(panel);
        BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        return img.getSubimage(r[0], r[1], r[2], r[3]);
    }
}
