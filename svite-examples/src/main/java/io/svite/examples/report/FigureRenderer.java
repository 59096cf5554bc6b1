package io.svite.examples.report;

import io.svite.examples.report.Figure.Axis;
import io.svite.examples.report.Figure.ColourBar;
import io.svite.examples.report.Figure.Legend;
import io.svite.examples.report.Figure.Panel;
import io.svite.examples.report.Figure.Rendered;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays out and draws one {@link Figure}: the title and subtitle, the panels in rows with their
 * frames and ticks, the axis labels, the legend, the colour bar and the notes.
 */
final class FigureRenderer {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
    private static final Font BODY = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int PAD = 14;
    private static final int MIN_WIDTH = 560;
    private static final int PANEL_GAP = 22;
    private static final int SWATCH = Figure.SWATCH;
    private static final int TEXT = Figure.TEXT;
    private static final int FRAME = Figure.FRAME;
    private static final int BACKGROUND = Figure.BACKGROUND;

    private final String title;
    private final String subtitle;
    private final List<Panel> panels;
    private final int perRow;
    private final Axis x;
    private final Axis y;
    private final List<Legend> legend;
    private final ColourBar colourBar;
    private final List<String> notes;

    FigureRenderer(String title, String subtitle, List<Panel> panels, int perRow, Axis x, Axis y, List<Legend> legend,
            ColourBar colourBar, List<String> notes) {
        this.title = title;
        this.subtitle = subtitle;
        this.panels = panels;
        this.perRow = perRow;
        this.x = x;
        this.y = y;
        this.legend = legend;
        this.colourBar = colourBar;
        this.notes = notes;
    }

    /** Draws the figure; see {@link Figure#render}. */
    Rendered render() {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a figure needs at least one panel");
        }
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics body = pg.getFontMetrics(BODY);
        FontMetrics small = pg.getFontMetrics(SMALL);
        FontMetrics big = pg.getFontMetrics(TITLE);

        int cols = Math.min(perRow, panels.size());
        int rowsOfPanels = (panels.size() + cols - 1) / cols;
        int cellW = 0;
        int cellH = 0;
        int panelTitle = panels.stream().anyMatch(p -> p.title() != null) ? small.getHeight() + 4 : 0;
        int yTickWidth = 0;
        for (Panel p : panels) {
            // a panel's title may be wider than its raster: the slot takes the wider, so titles never overlap
            cellW = Math.max(cellW, Math.max(p.raster().getWidth(), p.title() == null ? 0 : small.stringWidth(p.title())));
            cellH = Math.max(cellH, p.raster().getHeight());
            if (y != null) {
                for (int t : ticks(p.rows(), p.raster().getHeight(), small.getHeight() + 2)) {
                    yTickWidth = Math.max(yTickWidth, small.stringWidth(y.tick().apply(t)));
                }
            }
        }
        int xTickHeight = x == null ? 0 : small.getHeight() + 6;
        int left = PAD + (y == null ? 0 : body.getHeight() + 6 + yTickWidth + 8);
        int top = PAD + big.getHeight() + (subtitle == null ? 0 : body.getHeight() + 2) + 10;
        int slotW = cellW + PANEL_GAP;
        int slotH = panelTitle + cellH + xTickHeight + (rowsOfPanels > 1 ? 10 : 0);
        int gridW = cols * slotW - PANEL_GAP;
        int gridH = rowsOfPanels * slotH;
        int afterGrid = (x == null ? 0 : body.getHeight() + 4);
        int legendH = legend.isEmpty() ? 0 : Math.max(SWATCH, body.getHeight()) + 10;
        int barH = colourBar == null ? 0 : 12 + small.getHeight() + body.getHeight() + 12;
        int notesH = notes.size() * (body.getHeight() + 2);
        int legendW = legendWidth(body);
        int width = Math.max(MIN_WIDTH, Math.max(left + gridW + PAD,
                Math.max(PAD + big.stringWidth(title) + PAD, Math.max(PAD + legendW + PAD,
                        PAD + (subtitle == null ? 0 : body.stringWidth(subtitle)) + PAD))));
        for (String n : notes) {
            width = Math.max(width, PAD + body.stringWidth(n) + PAD);
        }
        int height = top + gridH + afterGrid + 8 + legendH + barH + notesH + PAD;
        pg.dispose();

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(BACKGROUND));
        g.fillRect(0, 0, width, height);
        Color text = new Color(TEXT);
        g.setColor(text);
        g.setFont(TITLE);
        int baseline = PAD + big.getAscent();
        g.drawString(title, PAD, baseline);
        if (subtitle != null) {
            g.setFont(BODY);
            baseline += big.getDescent() + 2 + body.getAscent();
            g.drawString(subtitle, PAD, baseline);
        }
        // centre the grid in the space right of the y axis
        int gridLeft = left + Math.max(0, (width - PAD - left - gridW) / 2);
        List<int[]> rects = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            int col = i % cols;
            int row = i / cols;
            int px = gridLeft + col * slotW;
            int py = top + row * slotH + panelTitle;
            if (p.title() != null) {
                g.setFont(SMALL);
                g.setColor(text);
                g.drawString(p.title(), px, py - 4 - small.getDescent());
            }
            g.drawImage(p.raster(), px, py, null);
            rects.add(new int[] {px, py, p.raster().getWidth(), p.raster().getHeight()});
            g.setColor(new Color(FRAME));
            g.setStroke(new BasicStroke(1f));
            g.drawRect(px - 1, py - 1, p.raster().getWidth() + 1, p.raster().getHeight() + 1);
            g.setColor(text);
            g.setFont(SMALL);
            if (x != null) {
                int cw = Math.max(1, p.raster().getWidth() / Math.max(1, p.cols()));
                for (int t : ticks(p.cols(), p.raster().getWidth(), maxTickWidth(small, p.cols(), x) + 10)) {
                    int tx = px + (int) Math.round((t + 0.5) * p.raster().getWidth() / p.cols());
                    int ty = py + p.raster().getHeight() + 1;
                    g.drawLine(tx, ty, tx, ty + 3);
                    String s = x.tick().apply(t);
                    int sx = Math.max(px - cw, Math.min(tx - small.stringWidth(s) / 2, px + p.raster().getWidth()));
                    g.drawString(s, sx, ty + 3 + small.getAscent());
                }
            }
            if (y != null && col == 0) {
                for (int t : ticks(p.rows(), p.raster().getHeight(), small.getHeight() + 2)) {
                    int ty = py + (int) Math.round((t + 0.5) * p.raster().getHeight() / p.rows());
                    g.drawLine(px - 5, ty, px - 2, ty);
                    String s = y.tick().apply(t);
                    g.drawString(s, px - 7 - small.stringWidth(s), ty + small.getAscent() / 2 - 1);
                }
            }
        }
        g.setFont(BODY);
        if (y != null) {
            AffineTransform saved = g.getTransform();
            int cy = top + gridH / 2;
            g.rotate(-Math.PI / 2, PAD + body.getAscent(), cy);
            g.drawString(y.label(), PAD + body.getAscent() - body.stringWidth(y.label()) / 2, cy);
            g.setTransform(saved);
        }
        int cursor = top + gridH;
        if (x != null) {
            cursor += body.getAscent();
            g.drawString(x.label(), gridLeft + gridW / 2 - body.stringWidth(x.label()) / 2, cursor);
            cursor += body.getDescent() + 4;
        }
        cursor += 8;
        if (!legend.isEmpty()) {
            int lx = PAD;
            for (Legend l : legend) {
                g.setColor(new Color(l.rgb()));
                g.fillRect(lx, cursor, SWATCH, SWATCH);
                g.setColor(new Color(FRAME));
                g.drawRect(lx - 1, cursor - 1, SWATCH + 1, SWATCH + 1);
                g.setColor(text);
                g.drawString(l.text(), lx + SWATCH + 6, cursor + SWATCH - 2);
                lx += SWATCH + 6 + body.stringWidth(l.text()) + 18;
            }
            cursor += legendH;
        }
        if (colourBar != null) {
            int barW = Math.min(320, width - 2 * PAD);
            for (int i = 0; i < barW; i++) {
                g.setColor(new Color(colourBar.scale().at((double) i / (barW - 1))));
                g.drawLine(PAD + i, cursor, PAD + i, cursor + 11);
            }
            g.setColor(new Color(FRAME));
            g.drawRect(PAD - 1, cursor - 1, barW + 1, 13);
            g.setColor(text);
            g.setFont(SMALL);
            String lo = String.format(Locale.ROOT, colourBar.format(), colourBar.min() * colourBar.factor());
            String hi = String.format(Locale.ROOT, colourBar.format(), colourBar.max() * colourBar.factor());
            int ly = cursor + 12 + small.getAscent() + 2;
            g.drawString(lo, PAD, ly);
            g.drawString(hi, PAD + barW - small.stringWidth(hi), ly);
            g.setFont(BODY);
            g.drawString(colourBar.label(), PAD, ly + small.getDescent() + body.getAscent() + 2);
            cursor += barH;
        }
        g.setFont(BODY);
        for (String n : notes) {
            cursor += body.getAscent();
            g.drawString(n, PAD, cursor);
            cursor += body.getDescent() + 2;
        }
        g.dispose();
        return new Rendered(img, rects);
    }

    private int legendWidth(FontMetrics body) {
        int w = 0;
        for (Legend l : legend) {
            w += SWATCH + 6 + body.stringWidth(l.text()) + 18;
        }
        return w;
    }

    private static int maxTickWidth(FontMetrics fm, int n, Axis axis) {
        int w = 0;
        for (int i = 0; i < n; i += Math.max(1, n / 8)) {
            w = Math.max(w, fm.stringWidth(axis.tick().apply(i)));
        }
        return Math.max(w, fm.stringWidth(axis.tick().apply(n - 1)));
    }

    /**
     * Cell indices to put ticks at: every k-th, k the smallest of 1, 2, 5, 10, 20, 50, … that
     * leaves at least {@code minSpacing} pixels between ticks.
     */
    static List<Integer> ticks(int cells, int pixels, int minSpacing) {
        double perCell = (double) pixels / Math.max(1, cells);
        int step = 1;
        int[] mult = {1, 2, 5};
        outer:
        for (int scale = 1; ; scale *= 10) {
            for (int m : mult) {
                step = m * scale;
                if (step * perCell >= minSpacing || step >= cells) {
                    break outer;
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < cells; i += step) {
            out.add(i);
        }
        return out;
    }
}
