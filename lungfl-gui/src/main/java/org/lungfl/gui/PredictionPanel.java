package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.DefaultComboBoxModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JRadioButton;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.table.DefaultTableModel;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.gui.prediction.Prediction;
import org.lungfl.gui.prediction.Predictor;
import org.lungfl.gui.site.PatientFolders;
import org.lungfl.gui.site.PatientRow;
import org.lungfl.gui.viewer.Finding;
import org.lungfl.gui.viewer.SliceViewer;
import org.lungfl.gui.viewer.StudyLoader;
import org.lungfl.gui.viewer.ViewerVolume;

/**
 * The Prediction page: a study (a patient of the Data page, or any DICOM folder) and a model (the
 * global or the local one) give the cancer probability and the findings, shown in the viewer.
 */
final class PredictionPanel extends JPanel {
    private final SiteSession session;
    private final JRadioButton fromPatient = new JRadioButton("Imported patient");
    private final JRadioButton fromFolder = new JRadioButton("DICOM folder");
    private final DefaultComboBoxModel<String> patientKeys = new DefaultComboBoxModel<>();
    private final JComboBox<String> patient = new JComboBox<>(patientKeys);
    final JTextField folder = Ui.field("studyFolder", "", "a folder with one patient's CT");
    private final DefaultComboBoxModel<String> modelChoices = new DefaultComboBoxModel<>();
    private final JComboBox<String> model = new JComboBox<>(modelChoices);
    private final JButton predict = Ui.primary("predict", "Predict");
    private final JLabel probability = Ui.big("probability", "–");
    private final JProgressBar gauge = new JProgressBar(0, 1000);
    private final JLabel note = Ui.muted(" ");
    private final DefaultTableModel findings = new DefaultTableModel(new String[] {"#", "Position (mm)", "Size (mm)", "Score"}, 0) {
        @Override public boolean isCellEditable(int r, int c) {
            return false;
        }
    };
    private final JTable findingsTable = new JTable(findings);
    private final JLabel noFindings = new JLabel("No prediction yet", JLabel.CENTER);
    private final JPanel findingsCards = new JPanel(new java.awt.CardLayout());
    final SliceViewer viewer = new SliceViewer("predictionViewer");

    PredictionPanel(SiteSession session) {
        super(new BorderLayout());
        this.session = session;
        fromPatient.setName("fromPatient");
        fromFolder.setName("fromFolder");
        patient.setName("studyPatient");
        model.setName("predictionModel");
        ButtonGroup g = new ButtonGroup();
        g.add(fromPatient);
        g.add(fromFolder);
        fromPatient.setSelected(true);
        fromPatient.addActionListener(e -> choiceChanged());
        fromFolder.addActionListener(e -> choiceChanged());
        patient.addActionListener(e -> choiceChanged());
        folder.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
            @Override public void insertUpdate(javax.swing.event.DocumentEvent e) {
                choiceChanged();
            }

            @Override public void removeUpdate(javax.swing.event.DocumentEvent e) {
                choiceChanged();
            }

            @Override public void changedUpdate(javax.swing.event.DocumentEvent e) {
                choiceChanged();
            }
        });

        Ui.Form form = new Ui.Form()
                .row("Study", Ui.row(fromPatient, patient))
                .row("", Ui.row(fromFolder))
                .row("", Ui.pathPicker(folder, true, null, null))
                .row("Model", model)
                .wide(Ui.row(predict));
        JPanel choose = Ui.card("Study and model", "Read with the plan's preprocessing; nothing leaves this computer.", form);

        gauge.setName("probabilityGauge");
        gauge.setPreferredSize(new Dimension(260, 10));
        findingsTable.setName("findings");
        findingsTable.setRowHeight(26);
        findingsTable.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        findingsTable.getSelectionModel().addListSelectionListener(e -> {
            int row = findingsTable.getSelectedRow();
            if (!e.getValueIsAdjusting() && row >= 0 && row < viewer.findings().size()) viewer.goTo(viewer.findings().get(row));
        });
        JScrollPane fs = new JScrollPane(findingsTable);
        fs.setPreferredSize(new Dimension(300, 140));
        JPanel resultBody = new JPanel(new BorderLayout(0, 8));
        JPanel top = new JPanel(new BorderLayout(0, 4));
        top.setOpaque(false);
        JLabel caption = new JLabel("Cancer probability");
        top.add(caption, BorderLayout.NORTH);
        top.add(probability, BorderLayout.CENTER);
        top.add(gauge, BorderLayout.SOUTH);
        resultBody.add(top, BorderLayout.NORTH);
        JPanel list = new JPanel(new BorderLayout(0, 4));
        list.setOpaque(false);
        list.add(new JLabel("Findings (click one to go to it)"), BorderLayout.NORTH);
        noFindings.setName("noFindings");
        noFindings.setForeground(Theme.muted());
        findingsCards.setOpaque(false);
        findingsCards.add(noFindings, "none");
        findingsCards.add(fs, "list");
        list.add(findingsCards, BorderLayout.CENTER);
        list.add(note, BorderLayout.SOUTH);
        resultBody.add(list, BorderLayout.CENTER);
        JPanel result = Ui.card("Result", "A research model's output: not a diagnosis.", resultBody);

        JPanel left = new JPanel(new BorderLayout(0, 12));
        left.add(choose, BorderLayout.NORTH);
        left.add(result, BorderLayout.CENTER);
        left.setMinimumSize(new Dimension(380, 300));
        viewer.clear("Predict to see the study here");
        JPanel right = Ui.card("Scan", "Findings are circled with their scores", viewer);
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, left, right);
        split.setResizeWeight(0.38);
        split.setBorder(BorderFactory.createEmptyBorder(14, 14, 14, 14));
        add(split, BorderLayout.CENTER);

        predict.addActionListener(e -> predict());
        session.listen(this::refresh);
        refresh();
    }

    private void choiceChanged() {
        boolean chosen = fromPatient.isSelected() ? patient.getSelectedItem() != null : !folder.getText().isBlank();
        if (chosen != session.studyChosen) {
            session.studyChosen = chosen;
            session.changed();
        }
    }

    private void refresh() {
        List<String> keys = session.patients.stream().map(PatientRow::key).toList();
        if (!keys.equals(itemsOf(patientKeys))) {
            Object was = patient.getSelectedItem();
            patientKeys.removeAllElements();
            patientKeys.addAll(keys);
            if (was != null && keys.contains(was)) patient.setSelectedItem(was);
            else if (!keys.isEmpty()) patient.setSelectedIndex(0);
        }
        List<String> models = new java.util.ArrayList<>();
        // only models made under the plan: another plan's model would read the study differently
        var plan = session.plan;
        if (session.global != null && (plan == null || session.global.fits(plan))) models.add("Global model, version " + session.global.version());
        if (session.local != null && (plan == null || plan.fingerprint().equals(session.local.planFingerprint()))) {
            models.add("Local model, trained from version " + session.local.baseVersion());
        }
        if (!models.equals(itemsOf(modelChoices))) {
            modelChoices.removeAllElements();
            modelChoices.addAll(models);
            if (!models.isEmpty()) model.setSelectedIndex(0);
        }
        choiceChanged();
        Ui.enable(predict, session.state().whyNot(SiteState.Action.PREDICT), "the cancer probability of the chosen study");
    }

    private static List<String> itemsOf(DefaultComboBoxModel<String> m) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < m.getSize(); i++) out.add(m.getElementAt(i));
        return out;
    }

    /** Chooses a patient of the Data page and predicts at once ("Predict this patient" there). */
    void predictPatient(String key) {
        fromPatient.setSelected(true);
        patient.setSelectedItem(key);
        choiceChanged();
        if (predict.isEnabled()) predict();
    }

    private void predict() {
        FederationPlan plan = session.plan;
        String choice = (String) model.getSelectedItem();
        boolean global = choice != null && choice.startsWith("Global");
        var globalModel = session.global;
        var localModel = session.local;
        String modelName = global ? "global model version " + session.global.version() : "local model";
        boolean byKey = fromPatient.isSelected();
        String key = (String) patient.getSelectedItem();
        Path dicom = Path.of(session.settings.dicomDir);
        Path cache = session.site().cache();
        Path dir = byKey ? null : Path.of(folder.getText().strip());
        String what = byKey ? "patient " + key : "the chosen DICOM folder";
        probability.setText("…");
        gauge.setValue(0);
        note.setText(" ");
        noFindings.setText("Reading the study…");
        ((java.awt.CardLayout) findingsCards.getLayout()).show(findingsCards, "none");
        findings.setRowCount(0);
        viewer.clear("Reading the study…");
        session.jobs.start("Predict", ctx -> {
            Path study = byKey ? PatientFolders.find(dicom, cache, key) : dir;
            StopSignal stop = ctx.stop();
            ViewerVolume v = StudyLoader.load(study, stop, (done, total) -> ctx.progress("reading the study: " + done + " / " + total, done, total));
            ctx.progress("running the " + modelName, 0, 0);
            Weights weights = global ? globalModel.weights() : localModel.weights();
            Prediction p = Predictor.forPlan(plan).predict(plan, weights, study, v, stop);
            return new Shown(v, p);
        }, shown -> {
            Prediction p = shown.prediction();
            probability.setText(String.format(Locale.ROOT, "%.1f %%", p.probability() * 100));
            gauge.setValue((int) Math.round(p.probability() * 1000));
            note.setText(p.findings().isEmpty() ? " " : p.findings().size() + " finding(s); " + p.note());
            noFindings.setText("<html><center>No findings to show:<br>" + p.note() + "</center></html>");
            ((java.awt.CardLayout) findingsCards.getLayout()).show(findingsCards, p.findings().isEmpty() ? "none" : "list");
            int i = 0;
            for (Finding f : p.findings()) {
                double[] mm = shown.volume().patientMm(f.z(), f.y(), f.x());
                findings.addRow(new Object[] {++i, String.format(Locale.ROOT, "%.0f, %.0f, %.0f", mm[0], mm[1], mm[2]),
                        String.format(Locale.ROOT, "%.0f", 2 * f.radiusMm()), String.format(Locale.ROOT, "%.0f %%", f.score() * 100)});
            }
            viewer.show(shown.volume(), p.findings());
            session.log.add(String.format(Locale.ROOT, "prediction for %s with the %s: cancer probability %.1f %%, %d finding(s)", what, modelName,
                    p.probability() * 100, p.findings().size()));
        }, words -> {
            probability.setText("–");
            note.setText(words);
            viewer.clear(words);
            session.log.error("prediction", words);
        });
    }

    private record Shown(ViewerVolume volume, Prediction prediction) {}
}
