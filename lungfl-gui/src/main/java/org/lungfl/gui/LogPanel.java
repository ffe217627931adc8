package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Toolkit;
import java.awt.datatransfer.StringSelection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFileChooser;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;

/** The Log page: every event of this session with its time, selectable, copyable and savable. */
final class LogPanel extends JPanel {
    private final JTextArea text = new JTextArea();

    LogPanel(SiteSession session) {
        super(new BorderLayout());
        text.setName("log");
        text.setEditable(false);
        text.setLineWrap(true);
        text.setWrapStyleWord(true);
        text.setFont(Ui.mono());
        text.setMargin(new java.awt.Insets(8, 10, 8, 10));
        session.log.listen(line -> {
            text.append(line + "\n");
            text.setCaretPosition(text.getDocument().getLength());
        });
        JButton copy = Ui.button("copyLog", "Copy all");
        copy.addActionListener(e -> Toolkit.getDefaultToolkit().getSystemClipboard().setContents(new StringSelection(session.log.text()), null));
        JButton save = Ui.button("saveLog", "Save as…");
        save.addActionListener(e -> {
            JFileChooser fc = new JFileChooser();
            fc.setSelectedFile(new java.io.File("lungfl-client.log"));
            if (fc.showSaveDialog(this) != JFileChooser.APPROVE_OPTION) return;
            try {
                Files.writeString(fc.getSelectedFile().toPath(), session.log.text(), StandardCharsets.UTF_8);
                session.log.add("log saved to " + fc.getSelectedFile());
            } catch (IOException ex) {
                session.log.add("the log could not be saved: " + ErrorWords.of(ex));
            }
        });
        JButton clear = Ui.button("clearLog", "Clear");
        clear.addActionListener(e -> {
            session.log.clear();
            text.setText("");
        });
        JScrollPane scroll = new JScrollPane(text);
        JPanel body = new JPanel(new BorderLayout(0, 8));
        body.add(scroll, BorderLayout.CENTER);
        body.add(Ui.row(copy, save, clear), BorderLayout.SOUTH);
        JPanel card = Ui.card("Activity", "Connections, imports, training, uploads, failovers and errors. No patient data is written here.", body);
        JPanel pad = new JPanel(new BorderLayout());
        pad.setBorder(BorderFactory.createEmptyBorder(14, 14, 14, 14));
        pad.add(card);
        add(pad, BorderLayout.CENTER);
    }
}
