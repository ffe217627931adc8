package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.nio.file.Path;
import javax.swing.AbstractButton;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.SwingConstants;
import javax.swing.UIManager;
import javax.swing.border.Border;
import javax.swing.filechooser.FileNameExtensionFilter;

/** Small layout helpers so every page looks alike: cards with a title, label/field rows, path pickers. */
final class Ui {
    static final int GAP = 8;

    private Ui() {}

    /** A titled card: a heading, an optional one-line explanation, then {@code body}. */
    static JPanel card(String title, String help, JComponent body) {
        JPanel p = new JPanel(new BorderLayout(0, GAP));
        p.putClientProperty("FlatLaf.style", "arc: 12; background: lighten($Panel.background,3%)");
        p.setBorder(cardBorder());
        JPanel head = new JPanel(new BorderLayout(0, 2));
        head.setOpaque(false);
        JLabel t = new JLabel(title);
        t.putClientProperty("FlatLaf.styleClass", "h3");
        head.add(t, BorderLayout.NORTH);
        if (help != null) head.add(muted(help), BorderLayout.CENTER);
        p.add(head, BorderLayout.NORTH);
        body.setOpaque(false);
        p.add(body, BorderLayout.CENTER);
        return p;
    }

    static Border cardBorder() {
        return BorderFactory.createCompoundBorder(new com.formdev.flatlaf.ui.FlatLineBorder(new Insets(1, 1, 1, 1),
                UIManager.getColor("Component.borderColor"), 1, 12), BorderFactory.createEmptyBorder(12, 14, 14, 14));
    }

    static JLabel muted(String text) {
        JLabel l = new JLabel(text);
        l.putClientProperty("FlatLaf.styleClass", "small");
        l.setForeground(Theme.muted());
        return l;
    }

    static JLabel value(String name, String text) {
        JLabel l = new JLabel(text);
        l.setName(name);
        return l;
    }

    static JLabel big(String name, String text) {
        JLabel l = value(name, text);
        l.putClientProperty("FlatLaf.styleClass", "h1");
        return l;
    }

    static JButton button(String name, String text) {
        JButton b = new JButton(text);
        b.setName(name);
        return b;
    }

    /** The main action of a card, drawn in the accent colour. */
    static JButton primary(String name, String text) {
        JButton b = button(name, text);
        b.putClientProperty("JButton.buttonType", "default");
        b.putClientProperty("FlatLaf.style", "background: $Component.accentColor; foreground: #ffffff; font: bold");
        return b;
    }

    static JTextField field(String name, String text, String placeholder) {
        JTextField f = new JTextField(text, 28);
        f.setName(name);
        if (placeholder != null) f.putClientProperty("JTextField.placeholderText", placeholder);
        return f;
    }

    /** Rows of "label: component" on a grid. */
    static final class Form extends JPanel {
        private int row;

        Form() {
            super(new GridBagLayout());
            setOpaque(false);
        }

        Form row(String label, Component c) {
            GridBagConstraints l = new GridBagConstraints(0, row, 1, 1, 0, 0, GridBagConstraints.LINE_START, GridBagConstraints.NONE,
                    new Insets(row == 0 ? 0 : 6, 0, 0, 12), 0, 0);
            JLabel lab = new JLabel(label);
            lab.setHorizontalAlignment(SwingConstants.LEFT);
            super.add(lab, l);
            GridBagConstraints f = new GridBagConstraints(1, row, 1, 1, 1, 0, GridBagConstraints.LINE_START, GridBagConstraints.HORIZONTAL,
                    new Insets(row == 0 ? 0 : 6, 0, 0, 0), 0, 0);
            super.add(c, f);
            row++;
            return this;
        }

        /** A component across both columns. */
        Form wide(Component c) {
            GridBagConstraints f = new GridBagConstraints(0, row++, 2, 1, 1, 0, GridBagConstraints.LINE_START, GridBagConstraints.HORIZONTAL,
                    new Insets(10, 0, 0, 0), 0, 0);
            super.add(c, f);
            return this;
        }
    }

    /** A text field with a "Browse…" button that fills it from a file chooser. */
    static JPanel pathPicker(JTextField field, boolean folders, String extension, String extensionName) {
        JPanel p = new JPanel(new BorderLayout(6, 0));
        p.setOpaque(false);
        p.add(field, BorderLayout.CENTER);
        JButton browse = button(field.getName() + "Browse", "Browse…");
        browse.addActionListener(e -> {
            JFileChooser fc = new JFileChooser();
            fc.setFileSelectionMode(folders ? JFileChooser.DIRECTORIES_ONLY : JFileChooser.FILES_ONLY);
            if (extension != null) fc.setFileFilter(new FileNameExtensionFilter(extensionName, extension));
            String now = field.getText().strip();
            if (!now.isEmpty()) fc.setSelectedFile(Path.of(now).toAbsolutePath().toFile());
            if (fc.showOpenDialog(field) == JFileChooser.APPROVE_OPTION) field.setText(fc.getSelectedFile().getAbsolutePath());
        });
        p.add(browse, BorderLayout.EAST);
        return p;
    }

    /** Enables {@code b} when {@code whyNot} is null; otherwise its tooltip says why not. */
    static void enable(AbstractButton b, String whyNot, String tooltip) {
        b.setEnabled(whyNot == null);
        b.setToolTipText(whyNot == null ? tooltip : whyNot);
    }

    static JPanel row(Component... cs) {
        JPanel p = new JPanel(new java.awt.FlowLayout(java.awt.FlowLayout.LEFT, GAP, 0));
        p.setOpaque(false);
        for (Component c : cs) p.add(c);
        return p;
    }

    static Font mono() {
        Font f = UIManager.getFont("monospaced.font");
        return f != null ? f : new Font(Font.MONOSPACED, Font.PLAIN, UIManager.getFont("Label.font").getSize());
    }
}
