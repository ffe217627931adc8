package org.lungfl.gui.viewer;

import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JSlider;
import javax.swing.JToggleButton;

/**
 * A CT viewer for one study: the axial slice and a coronal reformat side by side. The mouse wheel
 * (or the slider) moves through the axial slices, the wheel over the coronal view moves it front to
 * back; dragging changes window width (sideways) and level (up and down); a click puts the other
 * view's line there. "Lung" and "Mediastinum" set the usual windows. Findings, when a model gives
 * them, are circled with their scores on the slices that cut them.
 */
public final class SliceViewer extends JPanel {
    private final SliceView axial = new SliceView(this, SliceView.Plane.AXIAL);
    private final SliceView coronal = new SliceView(this, SliceView.Plane.CORONAL);
    private final JSlider slider = new JSlider(JSlider.HORIZONTAL, 1, 1, 1);
    private final JLabel info = new JLabel(" ");
    private final JToggleButton lung = new JToggleButton("Lung");
    private final JToggleButton mediastinum = new JToggleButton("Mediastinum");
    private final List<Runnable> listeners = new ArrayList<>();
    private final JLabel placeholder = new JLabel();
    private final JPanel cards = new JPanel(new java.awt.CardLayout());
    private ViewerVolume volume;
    private List<Finding> findings = List.of();
    private WindowLevel window = WindowLevel.LUNG;
    private byte[] lut = window.lookupTable();
    private int z;
    private int y;
    private String message = "Choose a patient to see the scan";
    private boolean syncing;

    public SliceViewer(String name) {
        super(new BorderLayout(0, 6));
        setName(name);
        axial.setName(name + ".axial");
        coronal.setName(name + ".coronal");
        slider.setName(name + ".slider");
        info.setName(name + ".info");
        lung.setName(name + ".lung");
        mediastinum.setName(name + ".mediastinum");
        setOpaque(false);

        JPanel tools = new JPanel(new BorderLayout(12, 0));
        tools.setOpaque(false);
        JPanel presetBox = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 0));
        presetBox.setOpaque(false);
        ButtonGroup presets = new ButtonGroup();
        for (JToggleButton b : new JToggleButton[] {lung, mediastinum}) {
            b.putClientProperty("JButton.buttonType", "roundRect");
            presets.add(b);
            presetBox.add(b);
        }
        tools.add(presetBox, BorderLayout.WEST);
        lung.setSelected(true);
        lung.setToolTipText("lung window: W 1500, L −600");
        mediastinum.setToolTipText("mediastinum (soft-tissue) window: W 350, L 50");
        lung.addActionListener(e -> setWindow(WindowLevel.LUNG));
        mediastinum.addActionListener(e -> setWindow(WindowLevel.MEDIASTINUM));
        info.putClientProperty("FlatLaf.styleClass", "small");
        info.setHorizontalAlignment(JLabel.RIGHT);
        tools.add(info, BorderLayout.CENTER);
        add(tools, BorderLayout.NORTH);

        JPanel views = new JPanel(new GridLayout(1, 2, 6, 0));
        views.setOpaque(false);
        views.add(axial);
        views.add(coronal);
        placeholder.setName(name + ".message");
        placeholder.setHorizontalAlignment(JLabel.CENTER);
        placeholder.setOpaque(true);
        placeholder.setBackground(new java.awt.Color(0x1E1F22));
        placeholder.setForeground(new java.awt.Color(0xA0A4AB));
        cards.setOpaque(false);
        cards.add(placeholder, "empty");
        cards.add(views, "views");
        add(cards, BorderLayout.CENTER);

        slider.setEnabled(false);
        slider.setToolTipText("axial slice, head (left) to feet (right); the mouse wheel over the image does the same");
        slider.addChangeListener(e -> {
            if (!syncing && volume != null) setAxial(zOfSliceNumber(slider.getValue()));
        });
        JPanel bottom = new JPanel(new BorderLayout());
        bottom.setOpaque(false);
        bottom.setBorder(BorderFactory.createEmptyBorder(0, 0, 0, 0));
        bottom.add(slider, BorderLayout.CENTER);
        add(bottom, BorderLayout.SOUTH);
        refresh();
    }

    /** Shows {@code v} from its middle slice with the lung window; findings may be empty. */
    public void show(ViewerVolume v, List<Finding> f) {
        this.volume = v;
        this.findings = List.copyOf(f);
        this.z = v.depth() / 2;
        this.y = v.height() / 2;
        if (!findings.isEmpty()) goTo(findings.get(0));
        syncing = true;
        slider.setMinimum(1);
        slider.setMaximum(v.depth());
        slider.setEnabled(v.depth() > 1);
        syncing = false;
        refresh();
    }

    public void setFindings(List<Finding> f) {
        this.findings = List.copyOf(f);
        refresh();
    }

    /** No study: an empty viewer with a sentence in the middle. */
    public void clear(String sentence) {
        this.volume = null;
        this.findings = List.of();
        this.message = sentence;
        slider.setEnabled(false);
        refresh();
    }

    /** Moves both views through the finding's centre. */
    public void goTo(Finding f) {
        if (volume == null) return;
        z = clamp((int) Math.round(f.z()), volume.depth());
        y = clamp((int) Math.round(f.y()), volume.height());
        refresh();
    }

    public void setWindow(WindowLevel wl) {
        window = wl;
        lut = wl.lookupTable();
        lung.setSelected(wl.equals(WindowLevel.LUNG));
        mediastinum.setSelected(wl.equals(WindowLevel.MEDIASTINUM));
        if (!lung.isSelected() && !mediastinum.isSelected()) {
            // a free window: neither preset is lit
            ButtonGroup g = ((javax.swing.DefaultButtonModel) lung.getModel()).getGroup();
            if (g != null) g.clearSelection();
        }
        refresh();
    }

    public void onChange(Runnable r) {
        listeners.add(r);
    }

    public WindowLevel window() {
        return window;
    }

    public ViewerVolume volume() {
        return volume;
    }

    public List<Finding> findings() {
        return findings;
    }

    public int axialIndex() {
        return z;
    }

    public int coronalIndex() {
        return y;
    }

    /** 1 = the slice nearest the head. */
    public int sliceNumber() {
        return volume == null ? 0 : volume.headTowardsHigherZ() ? volume.depth() - z : z + 1;
    }

    byte[] lut() {
        return lut;
    }

    void setAxial(int newZ) {
        if (volume == null) return;
        z = clamp(newZ, volume.depth());
        refresh();
    }

    void setCoronal(int newY) {
        if (volume == null) return;
        y = clamp(newY, volume.height());
        refresh();
    }

    /** One wheel notch towards the feet (positive) or the head (negative). */
    void scrollAxial(int notches) {
        if (volume == null) return;
        setAxial(z + (volume.headTowardsHigherZ() ? -notches : notches));
    }

    private int zOfSliceNumber(int k) {
        return volume.headTowardsHigherZ() ? volume.depth() - k : k - 1;
    }

    private void refresh() {
        placeholder.setText(message);
        ((java.awt.CardLayout) cards.getLayout()).show(cards, volume == null ? "empty" : "views");
        if (volume != null) {
            syncing = true;
            slider.setValue(sliceNumber());
            syncing = false;
            info.setText(String.format(Locale.ROOT, "%s   ·   slice %d / %d", window.describe(), sliceNumber(), volume.depth()));
            info.setToolTipText(volume.description());
        } else {
            info.setText(window.describe());
        }
        axial.invalidateImage();
        coronal.invalidateImage();
        repaint();
        for (Runnable r : listeners) r.run();
    }

    private static int clamp(int v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }
}
