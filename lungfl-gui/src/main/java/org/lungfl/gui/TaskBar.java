package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.FlowLayout;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;

/** The bottom line: what is running, how far it is, and Cancel; "Ready" and the last outcome otherwise. */
final class TaskBar extends JPanel implements Jobs.Listener {
    private final JLabel text = Ui.value("taskText", "Ready");
    private final JProgressBar bar = new JProgressBar();
    private final JButton cancel = Ui.button("cancel", "Cancel");

    TaskBar(Jobs jobs) {
        super(new BorderLayout(12, 0));
        setBorder(BorderFactory.createCompoundBorder(BorderFactory.createMatteBorder(1, 0, 0, 0,
                javax.swing.UIManager.getColor("Component.borderColor")), BorderFactory.createEmptyBorder(6, 16, 6, 12)));
        bar.setName("taskProgress");
        bar.setPreferredSize(new java.awt.Dimension(240, 14));
        bar.setVisible(false);
        cancel.setEnabled(false);
        cancel.setToolTipText("stop the running operation at its next safe point");
        cancel.addActionListener(e -> jobs.cancel());
        add(text, BorderLayout.CENTER);
        JPanel right = new JPanel(new FlowLayout(FlowLayout.RIGHT, 10, 0));
        right.setOpaque(false);
        right.add(bar);
        right.add(cancel);
        add(right, BorderLayout.EAST);
        jobs.listen(this);
    }

    @Override public void started(String title) {
        text.setText(title + "…");
        bar.setIndeterminate(true);
        bar.setVisible(true);
        cancel.setEnabled(true);
    }

    @Override public void progress(String title, String detail, int done, int total) {
        text.setText(title + ": " + detail);
        if (total > 0) {
            bar.setIndeterminate(false);
            bar.setMaximum(total);
            bar.setValue(done);
        } else {
            bar.setIndeterminate(true);
        }
    }

    @Override public void finished(String title, Jobs.Outcome outcome, String words) {
        bar.setVisible(false);
        bar.setIndeterminate(false);
        cancel.setEnabled(false);
        text.setText(switch (outcome) {
            case DONE -> title + ": done. Ready";
            case CANCELLED -> title + ": cancelled. Ready";
            case FAILED -> title + " failed: " + words;
        });
        text.setForeground(outcome == Jobs.Outcome.FAILED ? Theme.ERROR : javax.swing.UIManager.getColor("Label.foreground"));
    }

    @Override
    public void updateUI() {
        super.updateUI();
        setBorder(BorderFactory.createCompoundBorder(BorderFactory.createMatteBorder(1, 0, 0, 0,
                javax.swing.UIManager.getColor("Component.borderColor")), BorderFactory.createEmptyBorder(6, 16, 6, 12)));
    }
}
