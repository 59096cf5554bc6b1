package io.svite.examples.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Draws the report's charts as PNG files with XChart: training curves, per-layer density bars and
 * accuracy versus multiply-accumulates across runs.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private Charts() {}

    /**
     * One point per epoch of a run.
     *
     * @param epoch the epoch, from 1
     * @param trainLoss mean training loss
     * @param trainAccuracy training accuracy in [0, 1]
     * @param testAccuracy test accuracy in [0, 1]
     */
    public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double testAccuracy) {}

    /**
     * One run on the accuracy-versus-MACs chart.
     *
     * @param label the run's name (method, budget)
     * @param macs multiply-accumulates per image
     * @param accuracy test accuracy in [0, 1] (the mean over seeds)
     * @param accuracyStd its standard deviation over seeds, drawn as an error bar when above 0
     */
    public record RunPoint(String label, double macs, double accuracy, double accuracyStd) {

        /**
         * A point without a spread (one run).
         *
         * @param label the legend's name
         * @param macs multiply-accumulates per image
         * @param accuracy test accuracy in [0, 1]
         */
        public RunPoint(String label, double macs, double accuracy) {
            this(label, macs, accuracy, 0);
        }
    }

    /**
     * Draws loss and accuracies per epoch (loss on the left chart, accuracies on the right one,
     * side by side in one image).
     *
     * @param epochs the epochs, in order; at least one
     * @param png the file to write
     * @throws IOException if the file cannot be written
     */
    public static void trainingCurves(List<EpochPoint> epochs, Path png) throws IOException {
        trainingCurves(epochs, png, null);
    }

    /**
     * Draws loss and accuracies per epoch, with the run's name in the titles.
     *
     * @param epochs the epochs, in order; at least one
     * @param png the file to write
     * @param run the run's name, or null
     * @throws IOException if the file cannot be written
     */
    public static void trainingCurves(List<EpochPoint> epochs, Path png, String run) throws IOException {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("no epochs to draw");
        }
        String of = run == null ? "" : " — run " + run;
        double[] x = epochs.stream().mapToDouble(EpochPoint::epoch).toArray();
        XYChart loss = xy("Training loss" + of, "epoch", "loss");
        loss.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        loss.getStyler().setYAxisDecimalPattern(yPattern(3, epochs.stream().mapToDouble(EpochPoint::trainLoss).toArray()));
        loss.getStyler().setXAxisDecimalPattern("0");
        series(loss, "train loss", x, epochs.stream().mapToDouble(EpochPoint::trainLoss).toArray());
        XYChart acc = xy("Accuracy" + of, "epoch", "accuracy (%)");
        acc.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        acc.getStyler().setYAxisDecimalPattern(yPattern(1, epochs.stream()
                .flatMapToDouble(e -> java.util.stream.DoubleStream.of(100 * e.trainAccuracy(), 100 * e.testAccuracy()))
                .toArray()));
        acc.getStyler().setXAxisDecimalPattern("0");
        series(acc, "train", x, epochs.stream().mapToDouble(e -> 100 * e.trainAccuracy()).toArray());
        series(acc, "test", x, epochs.stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray());
        List<Chart<?, ?>> charts = List.of(loss, acc);
        java.awt.image.BufferedImage left = BitmapEncoder.getBufferedImage(charts.get(0));
        java.awt.image.BufferedImage right = BitmapEncoder.getBufferedImage(charts.get(1));
        java.awt.image.BufferedImage both =
                new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(), left.getHeight(),
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        Images.writePng(both, png);
    }

    /**
     * Draws one bar per layer with its density (non-zero fraction), in the given order.
     *
     * @param densities density per layer name, in model order
     * @param png the file to write
     * @throws IOException if the file cannot be written
     */
    public static void densityBars(Map<String, Double> densities, Path png) throws IOException {
        densityBars(densities, png, null);
    }

    /**
     * Draws one bar per layer with its density, with the run's name in the title.
     *
     * @param densities density per layer name, in model order
     * @param png the file to write
     * @param run the run's name, or null
     * @throws IOException if the file cannot be written
     */
    public static void densityBars(Map<String, Double> densities, Path png, String run) throws IOException {
        if (densities.isEmpty()) {
            throw new IllegalArgumentException("no layers to draw");
        }
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(Math.max(WIDTH, 18 * densities.size()))
                        .height(HEIGHT)
                        .title("Density per layer" + (run == null ? "" : " — run " + run + ", final model"))
                        .xAxisTitle("layer")
                        .yAxisTitle("density (non-zero fraction)")
                        .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries("density", new ArrayList<>(densities.keySet()), new ArrayList<>(densities.values()));
        save(chart, png);
    }

    /**
     * Draws test accuracy against multiply-accumulates, one labelled marker per run, with an error
     * bar of ± one standard deviation where a run has one.
     *
     * @param runs the runs; at least one
     * @param png the file to write
     * @throws IOException if the file cannot be written
     */
    public static void accuracyVsMacs(List<RunPoint> runs, Path png) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to draw");
        }
        XYChart chart = xy("Accuracy versus MACs", "MACs per image (millions)", "test accuracy (%)");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        // MACs from 0, so savings show as distances; accuracy with a margin, so equal values still span an axis
        double maxMacs = runs.stream().mapToDouble(RunPoint::macs).max().orElse(1) / 1e6;
        double lo = runs.stream().mapToDouble(r -> r.accuracy() - r.accuracyStd()).min().orElse(0) * 100;
        double hi = runs.stream().mapToDouble(r -> r.accuracy() + r.accuracyStd()).max().orElse(1) * 100;
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(maxMacs * 1.1);
        chart.getStyler().setYAxisMin(Math.max(0, lo - 2));
        chart.getStyler().setYAxisMax(Math.min(100, hi + 2));
        chart.getStyler().setXAxisDecimalPattern("#,##0.#");
        chart.getStyler().setYAxisDecimalPattern("0.#");
        for (RunPoint r : runs) {
            XYSeries s = r.accuracyStd() > 0
                    ? chart.addSeries(uniqueName(chart, r.label()), new double[] {r.macs() / 1e6},
                            new double[] {100 * r.accuracy()}, new double[] {100 * r.accuracyStd()})
                    : chart.addSeries(uniqueName(chart, r.label()), new double[] {r.macs() / 1e6},
                            new double[] {100 * r.accuracy()});
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        save(chart, png);
    }

    /** Line colours, distinguishable with the common colour-vision deficiencies (Okabe and Ito's set). */
    private static final int[] LINE_COLOURS = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0x000000};

    /**
     * One line of a line chart.
     *
     * @param name its legend entry
     * @param x the x values
     * @param y the y values
     * @param dashed true to draw it dashed (a reference line)
     */
    public record Line(String name, double[] x, double[] y, boolean dashed) {}

    /**
     * Draws lines against a common x axis, with markers, a legend outside on the right and a y axis
     * from 0 to {@code yMax}; a dashed line has the colour of the solid line before it.
     *
     * @param title the chart's title
     * @param xTitle the x axis's label
     * @param yTitle the y axis's label
     * @param yMax the top of the y axis, or NaN to fit the data
     * @param lines the lines; at least one
     * @param png the file to write
     * @throws IOException if the file cannot be written
     */
    public static void lines(String title, String xTitle, String yTitle, double yMax, List<Line> lines, Path png)
            throws IOException {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no lines to draw");
        }
        XYChart chart = xy(title, xTitle, yTitle);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        if (!Double.isNaN(yMax)) {
            chart.getStyler().setYAxisMax(yMax);
        }
        chart.getStyler().setYAxisDecimalPattern("0.##");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        int solid = -1;
        for (Line l : lines) {
            XYSeries s = chart.addSeries(uniqueName(chart, l.name()), l.x(), l.y());
            s.setMarker(l.dashed() ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            // a dashed line is the reference of the solid line before it and takes its colour
            solid = l.dashed() ? Math.max(0, solid) : solid + 1;
            java.awt.Color colour = new java.awt.Color(LINE_COLOURS[solid % LINE_COLOURS.length]);
            s.setLineColor(colour);
            s.setMarkerColor(colour);
            if (l.dashed()) {
                s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                        10f, new float[] {6f, 4f}, 0f));
            }
        }
        save(chart, png);
    }

    /**
     * A y-axis number pattern with enough decimals that ticks over the values' span print apart:
     * XChart (3.8.6) never finishes laying out an axis whose tick labels all print the same, e.g. a
     * loss between 2.4216 and 2.4224 printed with three decimals.
     *
     * @param decimals the decimals wanted for a span of 1 or more
     * @param values the values on the axis
     * @return a pattern such as {@code 0.###}
     */
    static String yPattern(int decimals, double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        int d = decimals;
        double span = max - min;
        if (span > 0 && Double.isFinite(span)) {
            // two more decimals than the span's first significant digit: ticks a tenth of the span apart differ
            d = Math.max(decimals, Math.min(12, 2 - (int) Math.floor(Math.log10(span))));
        }
        return d == 0 ? "0" : "0." + "#".repeat(d);
    }

    private static String uniqueName(XYChart chart, String label) {
        String name = label;
        int i = 2;
        while (chart.getSeriesMap().containsKey(name)) {
            name = label + " (" + i++ + ")";
        }
        return name;
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart =
                new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    private static void series(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        Images.writePng(BitmapEncoder.getBufferedImage(chart), png);
    }
}
