package org.lungfl.gui;

import java.awt.BorderLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.GridLayout;
import java.awt.Insets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSpinner;
import javax.swing.JTextArea;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingUtilities;
import org.lungfl.client.Failover;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.LocalData;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.gui.site.Exchange;
import org.lungfl.gui.site.GlobalModel;
import org.lungfl.gui.site.LocalTraining;
import org.lungfl.gui.site.LocalUpdate;
import org.lungfl.gui.site.SiteFolder;

/**
 * The Training page: "Train locally" (epochs from the plan, overridable) with a live chart of loss
 * and validation AUC per epoch; "Send update"; "Download global model"; and "Federated training",
 * R rounds of the whole cycle with a live chart per round (local validation AUC, global version)
 * and its own log.
 */
final class TrainingPanel extends JPanel {
    private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");
    static final String LOSS = "training loss", AUC = "validation AUC", VERSION = "global version";
    private final SiteSession session;
    private final JSpinner epochs = new JSpinner(new SpinnerNumberModel(1, 1, 1000, 1));
    private final JSpinner rounds = new JSpinner(new SpinnerNumberModel(3, 1, 1000, 1));
    private final JButton train = Ui.primary("train", "Train locally");
    private final JButton send = Ui.button("send", "Send update");
    private final JButton download = Ui.button("download", "Download global model");
    private final JButton federate = Ui.primary("federate", "Federated training");
    private final JLabel localModel = Ui.value("localModel", "no local model yet");
    private final JLabel sendResult = Ui.value("sendResult", " ");
    private final JLabel globalModel = Ui.value("globalModel", "no global model downloaded yet");
    private final JLabel federationResult = Ui.value("federationResult", " ");
    private final JTextArea runLog = new JTextArea(5, 40);
    final LineChart localChart = new LineChart("localChart", "Loss and validation AUC appear here, epoch by epoch", "epoch", "loss", "AUC", 0, 1);
    final LineChart roundsChart = new LineChart("roundsChart", "Each federated round adds a point here", "round", "validation AUC", "global version",
            0, Double.NaN);

    TrainingPanel(SiteSession session) {
        super(new BorderLayout());
        this.session = session;
        epochs.setName("epochs");
        rounds.setName("rounds");
        if (session.settings.epochs != null) epochs.setValue(session.settings.epochs);
        rounds.setValue(Math.max(1, session.settings.rounds));
        epochs.addChangeListener(e -> session.settings.epochs = (Integer) epochs.getValue());
        rounds.addChangeListener(e -> session.settings.rounds = (Integer) rounds.getValue());

        Ui.Form local = new Ui.Form()
                .row("Epochs", Ui.row(epochs, train))
                .wide(localModel)
                .wide(Ui.row(send))
                .wide(sendResult)
                .wide(Ui.row(download))
                .wide(globalModel);
        JPanel localCard = Ui.card("This site's model", "Trains on this site's patients; only weights are sent, never scans.",
                local);

        runLog.setName("runLog");
        runLog.setEditable(false);
        runLog.setLineWrap(true);
        runLog.setWrapStyleWord(true);
        runLog.setFont(Ui.mono());
        JScrollPane logScroll = new JScrollPane(runLog);
        logScroll.setPreferredSize(new java.awt.Dimension(360, 110));
        Ui.Form fed = new Ui.Form()
                .row("Rounds", Ui.row(rounds, federate))
                .wide(federationResult)
                .wide(logScroll);
        JPanel fedCard = Ui.card("Federated training", "Per round: download, train, validate, send, wait for the next global model.", fed);

        JPanel top = new JPanel(new GridLayout(1, 2, 12, 0));
        top.add(localCard);
        top.add(fedCard);
        JPanel charts = new JPanel(new GridLayout(1, 2, 12, 0));
        charts.add(Ui.card("Local training", "Loss (left) and validation AUC (right) per epoch", localChart.component()));
        charts.add(Ui.card("Federated rounds", "This site's validation AUC (left), the global version (right)",
                roundsChart.component()));

        JPanel grid = new JPanel(new GridBagLayout());
        grid.setBorder(BorderFactory.createEmptyBorder(14, 14, 14, 14));
        grid.add(top, new GridBagConstraints(0, 0, 1, 1, 1, 0, GridBagConstraints.NORTH, GridBagConstraints.HORIZONTAL, new Insets(0, 0, 12, 0), 0, 0));
        grid.add(charts, new GridBagConstraints(0, 1, 1, 1, 1, 1, GridBagConstraints.NORTH, GridBagConstraints.BOTH, new Insets(0, 0, 0, 0), 0, 0));
        add(grid, BorderLayout.CENTER);

        train.addActionListener(e -> trainLocally());
        send.addActionListener(e -> sendUpdate());
        download.addActionListener(e -> downloadGlobal());
        federate.addActionListener(e -> federate());
        session.listen(this::refresh);
        refresh();
    }

    private void refresh() {
        SiteState st = session.state();
        Ui.enable(train, st.whyNot(SiteState.Action.TRAIN), "train on this site's imported patients");
        Ui.enable(send, st.whyNot(SiteState.Action.SEND), "send the local model's weights to the server");
        Ui.enable(download, st.whyNot(SiteState.Action.DOWNLOAD), "fetch the newest global model");
        Ui.enable(federate, st.whyNot(SiteState.Action.FEDERATE), "run the whole cycle for the given number of rounds");
        if (session.plan != null && session.settings.epochs == null) {
            epochs.setValue(session.plan.train().epochsPerRound());
            session.settings.epochs = null; // still "the plan's", not a choice
        }
        localModel.setText(describeLocal());
        globalModel.setText(session.global == null ? "no global model downloaded yet"
                : "global model version " + session.global.version() + " (downloaded " + time(session.global) + ")");
    }

    private String describeLocal() {
        LocalUpdate u = session.local;
        if (u == null) return "no local model yet";
        String metrics = u.metadata().get("metrics");
        String auc = metrics == null ? null : jsonNumber(metrics, "val_auc");
        String loss = metrics == null ? null : jsonNumber(metrics, "train_loss");
        boolean stale = session.plan != null && !session.plan.fingerprint().equals(u.planFingerprint());
        return "local model from global version " + u.baseVersion() + ", " + u.samples() + " training patients"
                + (loss == null ? "" : ", loss " + loss) + (auc == null ? "" : ", validation AUC " + auc)
                + (stale ? " (trained under another plan: train again)" : "");
    }

    private static String jsonNumber(String json, String key) {
        try {
            var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path(key);
            return n.isNumber() ? String.format(Locale.ROOT, "%.3f", n.asDouble()) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private String time(GlobalModel g) {
        return HH_MM_SS.format(g.downloadedAt().atZone(ZoneId.systemDefault()));
    }

    private String clientId() {
        if (session.connection != null) return session.connection.clientId();
        String id = session.settings.clientId;
        return id == null || id.isBlank() ? org.lungfl.client.SiteIdentity.defaultClientId() : id;
    }

    private void trainLocally() {
        FederationPlan plan = session.plan;
        int n = (Integer) epochs.getValue();
        SiteFolder site = session.site();
        GlobalModel start = session.global;
        if (start != null && !start.fits(plan)) {
            session.log.add("the downloaded global model belongs to another plan: training starts from the plan's initial model (version 0)");
            start = null;
        }
        GlobalModel from = start;
        String id = clientId();
        localChart.clear();
        session.log.add("train locally: " + n + " epoch(s) from " + (from == null ? "the plan's initial model (version 0)" : "global version " + from.version()));
        session.jobs.start("Train locally", ctx -> LocalTraining.run(plan, id, from, site, n, new LocalTraining.Listener() {
            @Override public void batch(int epoch, int total, int batch, int batches, double loss) {
                ctx.progress(String.format(Locale.ROOT, "epoch %d / %d, batch %d / %d, loss %.3f", epoch, total, batch, batches, loss),
                        (epoch - 1) * batches + batch, total * batches);
            }

            @Override public void epoch(int epoch, int total, double meanLoss, double auc) {
                ctx.log(String.format(Locale.ROOT, "train locally: epoch %d / %d, loss %.4f, validation AUC %s", epoch, total, meanLoss,
                        Double.isNaN(auc) ? "n/a" : String.format(Locale.ROOT, "%.3f", auc)));
                SwingUtilities.invokeLater(() -> {
                    localChart.add(LOSS, 0, epoch, meanLoss);
                    localChart.add(AUC, 1, epoch, auc);
                });
            }
        }, ctx.stop()), r -> {
            session.local = r.update();
            BinaryMetrics v = r.validation();
            session.log.add(String.format(Locale.ROOT, "train locally: done in %.0f s on %d patients (%d for validation); update %s is ready to send",
                    r.seconds(), r.trainPatients(), r.validationPatients(), r.update().updateId()));
            sendResult.setText(v == null ? "ready to send" : String.format(Locale.ROOT, "ready to send (validation AUC %s on %d patients)",
                    Double.isNaN(v.auc()) ? "n/a" : String.format(Locale.ROOT, "%.3f", v.auc()), v.count()));
            session.changed();
        }, words -> session.log.error("train locally", words));
    }

    private void sendUpdate() {
        Connection c = session.connection;
        LocalUpdate u = session.local;
        SiteFolder site = session.site();
        sendResult.setText("sending…");
        sendResult.setForeground(javax.swing.UIManager.getColor("Label.foreground"));
        session.jobs.start("Send update", ctx -> {
            FlClient client = c.client(Connection.ATTENDED, ctx.stop(), session.watch, Duration.ofMinutes(5));
            FlClient.UploadResult r = Exchange.send(client, site, u);
            session.watch.answered(client.server());
            return new Sent(r, client.server(), client.server().equals(c.primary()));
        }, sent -> {
            FlClient.UploadResult r = sent.result();
            String by = sent.primary() ? "the primary" : "backup " + sent.server();
            String words = r.duplicate() ? "already accepted by " + by + " earlier (counted once): queue " + r.queueSize() + " / " + r.capacity()
                    : r.aggregated() ? "accepted by " + by + "; the queue was full, so the server made global version " + r.globalVersion()
                    : "accepted by " + by + ": queue " + r.queueSize() + " / " + r.capacity() + ", waiting for "
                            + (r.capacity() - r.queueSize()) + " more site(s)";
            sendResult.setText(words);
            session.log.add("send update " + r.updateId() + ": " + words);
            session.refreshStatus.run();
        }, words -> {
            sendResult.setText(words);
            sendResult.setForeground(Theme.ERROR);
            session.log.error("send update", words);
        });
    }

    private record Sent(FlClient.UploadResult result, java.net.URI server, boolean primary) {}

    private void downloadGlobal() {
        Connection c = session.connection;
        SiteFolder site = session.site();
        session.jobs.start("Download global model", ctx -> {
            FlClient client = c.client(Connection.ATTENDED, ctx.stop(), session.watch, Duration.ofMinutes(5));
            GlobalModel g = Exchange.download(client, site);
            session.watch.answered(client.server());
            return g;
        }, g -> {
            session.global = g;
            session.log.add("download: global model version " + g.version() + " (" + g.safetensors().length / 1024 + " KiB) saved to "
                    + site.globalModel());
            session.changed();
        }, words -> session.log.error("download", words));
    }

    private void federate() {
        Connection c = session.connection;
        SiteFolder site = session.site();
        var source = new LocalData.Source(Path.of(session.settings.dicomDir), Path.of(session.settings.labelsCsv), session.annotations(),
                site.cache());
        int r = (Integer) rounds.getValue();
        Integer n = session.plan != null && (Integer) epochs.getValue() == session.plan.train().epochsPerRound() ? null : (Integer) epochs.getValue();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        session.saveSettings();
        roundsChart.clear();
        runLog.setText("");
        federationResult.setText("running " + r + " round(s)…");
        session.jobs.start("Federated training", ctx -> {
            FlClient client = c.client(Failover.UNATTENDED, ctx.stop(), session.watch, Duration.ofMinutes(5));
            var options = new FederatedTrainingCycle.Options(source, site.dir(), n, Duration.ofMinutes(60), Duration.ofSeconds(5), threads);
            return new FederatedTrainingCycle(client, options, ctx.stop(), new FederatedTrainingCycle.Listener() {
                @Override public void message(String line) {
                    ctx.log("federated: " + line);
                    ctx.progress(line, 0, 0);
                    SwingUtilities.invokeLater(() -> runLog.append(line + "\n"));
                }

                @Override public void importProgress(int done, int total) {
                    ctx.progress("import " + done + " / " + total + " patients", done, total);
                }

                @Override public void trainingProgress(int round, int epoch, int epochs, int batch, int batches, double loss) {
                    ctx.progress(String.format(Locale.ROOT, "round %d / %d: epoch %d / %d, batch %d / %d, loss %.3f", round, r, epoch, epochs, batch,
                            batches, loss), (epoch - 1) * batches + batch, epochs * batches);
                }

                @Override public void roundDone(FederatedTrainingCycle.RoundRecord rec, long version) {
                    BinaryMetrics m = rec.validation();
                    double auc = m == null ? Double.NaN : m.auc();
                    String line = String.format(Locale.ROOT, "round %d / %d done: loss %.4f, validation AUC %s, global version now %d", rec.round(), r,
                            rec.trainLoss(), Double.isNaN(auc) ? "n/a" : String.format(Locale.ROOT, "%.3f", auc), version);
                    ctx.log("federated: " + line);
                    SwingUtilities.invokeLater(() -> {
                        runLog.append(line + "\n");
                        roundsChart.add(AUC, 0, rec.round(), auc);
                        roundsChart.add(VERSION, 1, rec.round(), version);
                    });
                }
            }).trainFederated(r);
        }, result -> {
            federationResult.setText((result.stopped() ? "stopped after " : "finished ") + result.roundsCompleted() + " round(s); global version "
                    + result.lastGlobalVersion());
            session.log.add("federated training: " + federationResult.getText());
            session.reloadSite();
        }, words -> {
            federationResult.setText(words);
            federationResult.setForeground(Theme.ERROR);
            session.log.error("federated training", words);
            session.reloadSite();
        });
    }

    void theme() {
        localChart.theme();
        roundsChart.theme();
    }
}
