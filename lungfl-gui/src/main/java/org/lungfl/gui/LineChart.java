package org.lungfl.gui;

import java.awt.BasicStroke;
import java.awt.CardLayout;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.UIManager;
import org.knowm.xchart.XChartPanel;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * An XChart line chart that grows point by point (epochs, rounds), with an optional second y axis
 * on the right, following the window's theme. Until its first point it shows a sentence instead
 * of empty axes.
 */
final class LineChart {
    private static final Color[] COLOURS = {new Color(0x0B72B9), new Color(0xE8743B), new Color(0x2E9D5B), new Color(0x945ECF)};
    private final XYChart chart;
    private final XChartPanel<XYChart> panel;
    private final JPanel cards = new JPanel(new CardLayout());
    private final JLabel empty;
    private final Map<String, Series> series = new LinkedHashMap<>();

    private record Series(int axis, List<Double> x, List<Double> y) {}

    LineChart(String name, String emptyText, String xTitle, String leftTitle, String rightTitle, double rightMin, double rightMax) {
        chart = new XYChartBuilder().width(420).height(240).xAxisTitle(xTitle).yAxisTitle(leftTitle).build();
        Styler s = chart.getStyler();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleVisible(false);
        chart.getStyler().setPlotBorderVisible(false);
        chart.getStyler().setAxisTickMarkLength(3);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisMaxLabelCount(12);
        chart.getStyler().setSeriesColors(COLOURS);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setToolTipsEnabled(true);
        s.setAntiAlias(true);
        if (rightTitle != null) {
            chart.setYAxisGroupTitle(1, rightTitle);
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            if (Double.isFinite(rightMin)) chart.getStyler().setYAxisMin(1, rightMin);
            if (Double.isFinite(rightMax)) chart.getStyler().setYAxisMax(1, rightMax);
        }
        panel = new XChartPanel<>(chart);
        panel.setName(name);
        empty = new JLabel(emptyText, JLabel.CENTER);
        empty.setName(name + ".empty");
        cards.setOpaque(false);
        cards.add(empty, "empty");
        cards.add(panel, "chart");
        cards.setPreferredSize(new java.awt.Dimension(420, 240));
        theme();
    }

    JComponent component() {
        return cards;
    }

    /** Adds a point to the named series (created on first use; axis 1 is the right one); NaN values are left out. */
    void add(String name, int axis, double x, double y) {
        if (!Double.isFinite(y)) return;
        Series s = series.computeIfAbsent(name, n -> new Series(axis, new ArrayList<>(), new ArrayList<>()));
        s.x().add(x);
        s.y().add(y);
        if (chart.getSeriesMap().containsKey(name)) {
            chart.updateXYSeries(name, s.x(), s.y(), null);
        } else {
            XYSeries xy = chart.addSeries(name, s.x(), s.y());
            xy.setYAxisGroup(axis);
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setLineWidth(2.2f);
        }
        ((CardLayout) cards.getLayout()).show(cards, "chart");
        panel.revalidate();
        panel.repaint();
    }

    void clear() {
        for (String n : new ArrayList<>(chart.getSeriesMap().keySet())) chart.removeSeries(n);
        series.clear();
        ((CardLayout) cards.getLayout()).show(cards, "empty");
    }

    /** The last value of the named series, NaN when it has none. */
    double last(String name) {
        Series s = series.get(name);
        return s == null || s.y().isEmpty() ? Double.NaN : s.y().get(s.y().size() - 1);
    }

    int points(String name) {
        Series s = series.get(name);
        return s == null ? 0 : s.x().size();
    }

    /** Colours and fonts from the current look and feel (call after a theme change). */
    void theme() {
        Color bg = UIManager.getColor("Panel.background");
        Color fg = UIManager.getColor("Label.foreground");
        Color grid = UIManager.getColor("Component.borderColor");
        Font base = UIManager.getFont("Label.font");
        var st = chart.getStyler();
        st.setChartBackgroundColor(bg);
        st.setPlotBackgroundColor(bg);
        st.setLegendBackgroundColor(bg);
        st.setLegendBorderColor(bg);
        st.setChartFontColor(fg);
        st.setAxisTickLabelsColor(fg);
        st.setAxisTickMarksColor(grid);
        st.setPlotGridLinesColor(grid);
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setBaseFont(base);
        st.setAxisTitleFont(base.deriveFont(base.getSize2D() * 0.95f));
        st.setAxisTickLabelsFont(base.deriveFont(base.getSize2D() * 0.9f));
        st.setLegendFont(base.deriveFont(base.getSize2D() * 0.9f));
        st.setToolTipBackgroundColor(bg);
        st.setToolTipFont(base);
        empty.setForeground(Theme.muted());
        panel.setBackground(bg);
        panel.repaint();
    }
}
