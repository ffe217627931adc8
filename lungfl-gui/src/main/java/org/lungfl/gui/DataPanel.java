package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.Dimension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.table.DefaultTableModel;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.gui.site.DataImport;
import org.lungfl.gui.site.PatientFolders;
import org.lungfl.gui.site.PatientRow;
import org.lungfl.gui.site.SiteFolder;
import org.lungfl.gui.viewer.SliceViewer;

/**
 * The Data page: the DICOM folder (one folder per patient), the labels CSV and the site folder;
 * "Import" with the plan's preprocessing; the imported patients by cache key; and the slice viewer
 * for the selected one.
 */
final class DataPanel extends JPanel {
    private final SiteSession session;
    final JTextField dicomDir;
    final JTextField labelsCsv;
    final JTextField annotationsCsv;
    final JTextField siteDir;
    private final JButton importButton = Ui.primary("import", "Import");
    private final JButton findings = Ui.button("showFindings", "Predict this patient");
    private java.util.function.Consumer<String> predict = key -> {};
    private final JLabel summary = Ui.value("importSummary", " ");
    private final DefaultTableModel rows = new DefaultTableModel(new String[] {"Patient", "Label", "Slices", "Series", "Warnings"}, 0) {
        @Override public boolean isCellEditable(int r, int c) {
            return false;
        }
    };
    private final JTable table = new JTable(rows);
    final SliceViewer viewer = new SliceViewer("dataViewer");
    private final ViewerLoader loader = new ViewerLoader();

    DataPanel(SiteSession session) {
        super(new BorderLayout());
        this.session = session;
        Settings s = session.settings;
        dicomDir = Ui.field("dicomDir", s.dicomDir, "one folder per patient below it");
        labelsCsv = Ui.field("labelsCsv", s.labelsCsv, "id,cancer (id = folder name) or PatientID,label");
        annotationsCsv = Ui.field("annotationsCsv", s.annotationsCsv, "nodules.csv or LUNA16 annotations.csv; needed to train a lesion-centred plan");
        siteDir = Ui.field("siteDir", s.siteDir, s.siteFolder().toString());
        Ui.Form form = new Ui.Form()
                .row("DICOM folder", Ui.pathPicker(dicomDir, true, null, null))
                .row("Labels CSV", Ui.pathPicker(labelsCsv, false, "csv", "CSV files"))
                .row("Nodule annotations", Ui.pathPicker(annotationsCsv, false, "csv", "CSV files"))
                .row("Site folder", Ui.pathPicker(siteDir, true, null, null))
                .wide(Ui.row(importButton))
                .wide(summary);
        JPanel source = Ui.card("Local data", "Imported with the federation's plan; patients already in the cache are skipped.", form);

        table.setName("patients");
        table.setRowHeight(26);
        table.setAutoCreateRowSorter(true);
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        int[] widths = {120, 85, 55, 230, 150};
        for (int i = 0; i < widths.length; i++) table.getColumnModel().getColumn(i).setPreferredWidth(widths[i]);
        table.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting()) showSelected();
        });
        JScrollPane scroll = new JScrollPane(table);
        JPanel patients = Ui.card("Patients", "By cache key only: no name, ID or date is shown.", scroll);

        JPanel left = new JPanel(new BorderLayout(0, 12));
        left.add(source, BorderLayout.NORTH);
        left.add(patients, BorderLayout.CENTER);
        left.setMinimumSize(new Dimension(420, 300));
        JPanel viewerBox = new JPanel(new BorderLayout(0, 8));
        viewerBox.setOpaque(false);
        viewerBox.add(viewer, BorderLayout.CENTER);
        viewerBox.add(Ui.row(findings), BorderLayout.SOUTH);
        findings.addActionListener(e -> {
            String key = selectedKey();
            if (key != null) predict.accept(key);
        });
        JPanel right = Ui.card("Scan", "Wheel or slider: slices  ·  drag: window/level  ·  click: move the other view", viewerBox);
        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, left, right);
        split.setResizeWeight(0.5);
        split.setBorder(BorderFactory.createEmptyBorder(14, 14, 14, 14));
        split.setContinuousLayout(true);
        add(split, BorderLayout.CENTER);

        importButton.addActionListener(e -> importData());
        javax.swing.event.DocumentListener remember = new javax.swing.event.DocumentListener() {
            @Override public void insertUpdate(javax.swing.event.DocumentEvent e) {
                fieldsChanged();
            }

            @Override public void removeUpdate(javax.swing.event.DocumentEvent e) {
                fieldsChanged();
            }

            @Override public void changedUpdate(javax.swing.event.DocumentEvent e) {
                fieldsChanged();
            }
        };
        dicomDir.getDocument().addDocumentListener(remember);
        labelsCsv.getDocument().addDocumentListener(remember);
        annotationsCsv.getDocument().addDocumentListener(remember);
        siteDir.getDocument().addDocumentListener(remember);
        session.listen(this::refresh);
        refresh();
    }

    private void fieldsChanged() {
        Settings s = session.settings;
        boolean siteChanged = !s.siteDir.equals(siteDir.getText().strip());
        s.dicomDir = dicomDir.getText().strip();
        s.labelsCsv = labelsCsv.getText().strip();
        s.annotationsCsv = annotationsCsv.getText().strip();
        s.siteDir = siteDir.getText().strip();
        if (siteChanged) session.reloadSite();
        else session.changed();
    }

    /** What "Predict this patient" does with the selected patient's key (the window opens the Prediction page). */
    void onPredict(java.util.function.Consumer<String> action) {
        predict = action;
    }

    private String selectedKey() {
        int viewRow = table.getSelectedRow();
        return viewRow < 0 ? null : (String) rows.getValueAt(table.convertRowIndexToModel(viewRow), 0);
    }

    private void refresh() {
        SiteState st = session.state();
        Ui.enable(importButton, st.whyNot(SiteState.Action.IMPORT), "preprocess the patients into the site folder's cache");
        SiteState withStudy = new SiteState(st.connected(), st.planKnown(), st.dataChosen(), st.dataImported(), st.localModel(),
                st.localModelFitsPlan(), st.modelForPrediction(), selectedKey() != null, st.busy());
        Ui.enable(findings, withStudy.whyNot(SiteState.Action.PREDICT), "the model's cancer probability and findings for this patient");
        if (!sameRows(session.patients)) {
            rows.setRowCount(0);
            for (PatientRow r : session.patients) {
                rows.addRow(new Object[] {r.key(), r.label() == 1 ? "cancer" : "no cancer", r.slices(), r.series(), r.warnings()});
            }
        }
    }

    private boolean sameRows(List<PatientRow> p) {
        if (rows.getRowCount() != p.size()) return false;
        for (int i = 0; i < p.size(); i++) if (!p.get(i).key().equals(rows.getValueAt(i, 0))) return false;
        return true;
    }

    private void importData() {
        session.saveSettings();
        FederationPlan plan = session.plan;
        Path dicom = Path.of(session.settings.dicomDir), labels = Path.of(session.settings.labelsCsv);
        Path annotations = session.annotations();
        SiteFolder site = session.site();
        long t0 = System.nanoTime();
        summary.setText("importing…");
        summary.setForeground(javax.swing.UIManager.getColor("Label.foreground"));
        session.jobs.start("Import", ctx -> {
            ctx.log("import: " + dicom + " with plan '" + plan.name() + "' into " + site.cache());
            return DataImport.run(plan, dicom, labels, annotations, site, (done, total) -> {
                String eta = Eta.left(Duration.ofNanos(System.nanoTime() - t0), done, total);
                ctx.progress(done + " / " + total + " patients" + (eta == null ? "" : ", " + eta), done, total);
            }, ctx.stop());
        }, s -> {
            String words = describe(s);
            summary.setText(words);
            session.log.add("import: " + words);
            for (Manifest.Skip k : s.skipped()) session.log.add("  skipped " + shown(k.key()) + ": " + k.reason());
            session.reloadSite();
        }, words -> {
            summary.setText(words);
            summary.setForeground(Theme.ERROR);
            session.log.error("import", words);
            session.reloadSite();
        });
    }

    /** A skipped folder in a PatientID-labelled archive may be named after the patient: name it by its key only. */
    private String shown(String key) {
        boolean hashed = key.matches("p[0-9a-f]{16}");
        boolean folderNamesAreKeys = session.site().hasCache()
                && Manifest.read(session.site().cache()).layout() == org.lungfl.dicom.dataset.Labels.Layout.DSB2017;
        return hashed || folderNamesAreKeys ? key : "a patient folder";
    }

    static String describe(DatasetImporter.Summary s) {
        return s.imported().size() + " patient(s) imported now, " + s.alreadyDone().size() + " already in the cache, " + s.skipped().size()
                + " skipped" + (s.unreadableFiles().isEmpty() ? "" : ", " + s.unreadableFiles().size() + " unreadable file(s) left out");
    }

    private void showSelected() {
        String key = selectedKey();
        refresh();
        if (key == null) return;
        Path dicom = Path.of(session.settings.dicomDir);
        Path cache = session.site().cache();
        viewer.clear("Loading patient " + key + "…");
        loader.load(() -> PatientFolders.find(dicom, cache, key), v -> viewer.show(v, List.of()), words -> viewer.clear(words));
    }

    void shutdown() {
        loader.shutdown();
    }
}
