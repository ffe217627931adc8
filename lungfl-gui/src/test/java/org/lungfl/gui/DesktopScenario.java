package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.SwingUtilities;
import org.assertj.swing.core.BasicRobot;
import org.assertj.swing.core.MouseButton;
import org.assertj.swing.core.Robot;
import org.assertj.swing.edt.GuiActionRunner;
import org.assertj.swing.fixture.FrameFixture;
import org.assertj.swing.timing.Condition;
import org.assertj.swing.timing.Pause;
import org.assertj.swing.timing.Timeout;
import org.lungfl.client.FlClient;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.TokenStore;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;

/**
 * The desktop client driven like a research nurse would, in a real window on a private X display
 * (started by {@link DesktopClientXvfbTest} in a JVM of its own, since AWT reads DISPLAY once),
 * against a real primary and backup on loopback ports with a tiny synthetic hospital. Prints one
 * line per step; exits 0 when every check held, 1 with the reason otherwise. Saves a screenshot of
 * each page into the folder given as second argument.
 */
public final class DesktopScenario {
    static final FederationPlan PLAN = TinyFederation.plan();
    private final Path work;
    private final Path shots;
    private FrameFixture window;
    private Robot robot;
    private MainWindow frame;

    private DesktopScenario(Path work, Path shots) {
        this.work = work;
        this.shots = shots;
    }

    public static void main(String[] args) {
        int exit = 1;
        try {
            new DesktopScenario(Path.of(args[0]), Path.of(args[1])).run();
            System.out.println("SCENARIO PASSED");
            exit = 0;
        } catch (Throwable t) {
            System.out.println("SCENARIO FAILED: " + t);
            t.printStackTrace(System.out);
        }
        System.out.flush();
        Runtime.getRuntime().halt(exit);
    }

    private static final long START = System.nanoTime();

    private static void step(String s) {
        System.out.printf(java.util.Locale.ROOT, "STEP %5.1f s  %s%n", (System.nanoTime() - START) / 1e9, s);
        System.out.flush();
    }

    private void run() throws Exception {
        Files.createDirectories(shots);
        step("synthetic hospital: 8 tiny patients, and one full-size study for the prediction page");
        Path data = TinyFederation.sites(work.resolve("data"), 1, 8);
        Path site = data.resolve("site-1");
        SynthDataset.generate(new SynthDataset.Options(2, 1, 0, 1.0, 0, 21, false, PhantomModel.DEFAULT, null, null, 2), work.resolve("full"),
                "test", "test", (d, t, b) -> {});
        Path fullStudy;
        try (var s = Files.list(work.resolve("full").resolve("site-2").resolve("dicom"))) {
            fullStudy = s.findFirst().orElseThrow();
        }

        step("a primary and its backup (K = 2), with tokens for two hospitals");
        int primaryPort = TinyFederation.freePort(), backupPort = TinyFederation.freePort();
        URI primaryUrl = URI.create("http://127.0.0.1:" + primaryPort), backupUrl = URI.create("http://127.0.0.1:" + backupPort);
        Path primaryDir = work.resolve("primary");
        Path tokenA = Servers.tokenFile(primaryDir, "hospital-a", work.resolve("hospital-a.token"));
        String tokenB = new TokenStore(primaryDir).add("hospital-b", false);
        String peer = new TokenStore(primaryDir).add("peer", true);
        LungflServer primary = Servers.startPrimaryWithBackup(primaryDir, PLAN, primaryPort, backupUrl, peer, 2);
        LungflServer backup = Servers.startBackup(work.resolve("backup"), primaryDir, PLAN, backupPort, primaryUrl, peer, 2, Duration.ofSeconds(1));
        FlClient hospitalB = new FlClient(primaryUrl, tokenB, "hospital-b");

        step("open the window as `lungfl gui --server 127.0.0.1:PORT --backup 127.0.0.1:PORT --token-file F` would");
        Path settings = work.resolve("config").resolve("desktop-client.json");
        Settings pre = new Settings();
        pre.siteDir = work.resolve("site").toString();
        Files.createDirectories(settings.getParent());
        pre.save(settings);
        CountDownLatch closed = new CountDownLatch(1);
        frame = DesktopClient.open(new LaunchOptions("127.0.0.1:" + primaryPort, List.of("127.0.0.1:" + backupPort), tokenA, null, "hospital-a",
                settings), closed::countDown);
        robot = BasicRobot.robotWithCurrentAwtHierarchy();
        window = new FrameFixture(robot, frame);

        step("connect at start: the indicator names the primary and the plan; the queue is 0 / 2");
        awaitText("connectionIndicator", "connected to primary, plan tiny", 60);
        assertThat(label("connectResult")).isEqualTo("connected to primary, plan tiny");
        awaitText("queueBarText", "0 / 2", 30);

        step("import the site's DICOM folder");
        page("Data");
        window.textBox("dicomDir").setText(site.resolve("dicom").toString());
        window.textBox("labelsCsv").setText(site.resolve("labels.csv").toString());
        window.button("import").click();
        awaitText("importSummary", "8 patient(s) imported now, 0 already in the cache, 0 skipped", 120);
        assertThat(edt(() -> window.table("patients").target().getRowCount())).isEqualTo(8);
        assertThat(edt(() -> window.table("patients").target().getValueAt(0, 0))).isEqualTo("site-1-0001");

        step("the slice viewer: wheel, drag for window/level, presets, coronal click");
        window.table("patients").selectRows(1);
        awaitText("dataViewer.info", "slice", 60);
        String before = label("dataViewer.info");
        Component axial = find("dataViewer.axial");
        robot.rotateMouseWheel(axial, 3);
        awaitCondition("the wheel moved the slice", () -> !label("dataViewer.info").equals(before), 10);
        window.toggleButton("dataViewer.mediastinum").click();
        awaitText("dataViewer.info", "W 350  L 50", 10);
        Point centre = new Point(axial.getWidth() / 2, axial.getHeight() / 2);
        robot.pressMouse(axial, centre);
        robot.moveMouse(axial, centre.x + 40, centre.y + 20);
        robot.moveMouse(axial, centre.x + 60, centre.y + 30);
        robot.releaseMouse(MouseButton.LEFT_BUTTON);
        awaitCondition("dragging changed window and level", () -> !label("dataViewer.info").contains("W 350  L 50"), 10);
        window.toggleButton("dataViewer.lung").click();
        awaitText("dataViewer.info", "W 1500  L -600", 10);
        Component coronal = find("dataViewer.coronal");
        robot.click(coronal, new Point(coronal.getWidth() / 2, coronal.getHeight() / 2 - 40));
        awaitCondition("a click on the coronal view moved the axial slice headwards", () -> sliceNumber() < 20, 10);
        shot("data");
        window.button("theme").click();
        awaitCondition("dark theme", () -> edt(() -> window.button("theme").target().getText()).equals("Light mode"), 10);
        shot("data-dark");
        window.button("theme").click();

        step("train locally for 1 epoch: a chart point, a local model from version 0");
        page("Training");
        window.button("train").click();
        awaitText("localModel", "local model from global version 0, 6 training patients", 180);
        awaitCondition("a loss point on the chart", () -> edt(() -> frame.trainingPanel.localChart.points(TrainingPanel.LOSS)) == 1, 10);

        step("send the update: accepted by the primary, queue 1 / 2 on the server page");
        window.button("send").click();
        awaitText("sendResult", "accepted by the primary: queue 1 / 2, waiting for 1 more site(s)", 60);
        page("Server");
        awaitText("queueBarText", "1 / 2", 30);
        awaitCondition("hospital-a is listed as queued", () -> edt(() -> window.table("queuedUpdates").target().getRowCount()) == 1, 10);
        shot("server");

        step("another hospital sends; download the global model: version 1");
        hospitalB.sendUpdate(PLAN.initialWeights(), new FlClient.Update("b-1", 9, 0, PLAN.fingerprint(), null));
        page("Training");
        window.button("download").click();
        awaitText("globalModel", "global model version 1", 60);

        step("a long training: the window answers while it runs, and Cancel stops it");
        window.spinner("epochs").select(500);
        String localBefore = label("localModel");
        window.button("train").click();
        awaitText("taskText", "Train locally: epoch", 120);
        for (int i = 0; i < 3; i++) {
            assertThat(busy()).as("still training").isTrue();
            eventThreadAnswers();
            page(i % 2 == 0 ? "Log" : "Training");
        }
        assertThat(busy()).as("still training after the checks").isTrue();
        window.button("cancel").click();
        awaitText("taskText", "Train locally: cancelled. Ready", 30);
        assertThat(label("localModel")).as("a cancelled training leaves the local model as it was").isEqualTo(localBefore);

        step("federated training, 2 rounds: each waits for the other site, then versions 2 and 3");
        page("Training");
        window.spinner("epochs").select(1);
        window.spinner("rounds").select(2);
        window.button("federate").click();
        for (long base = 1; base <= 2; base++) {
            awaitCondition("round " + base + "'s update is queued", () -> primary.service().snapshot().queueSize() == 1, 180);
            eventThreadAnswers();
            assertThat(busy()).as("the round waits for the other site").isTrue();
            hospitalB.sendUpdate(PLAN.initialWeights(), new FlClient.Update("b-r" + base, 9, base, PLAN.fingerprint(), null));
        }
        awaitText("federationResult", "finished 2 round(s); global version 3", 120);
        awaitCondition("two round points on the chart", () -> edt(() -> frame.trainingPanel.roundsChart.points(TrainingPanel.VERSION)) == 2, 10);
        assertThat(label("globalModel")).startsWith("global model version 3");

        step("train locally for 5 epochs from version 3: a curve of loss and validation AUC");
        window.spinner("epochs").select(5);
        window.button("train").click();
        awaitText("localModel", "local model from global version 3", 180);
        assertThat(edt(() -> frame.trainingPanel.localChart.points(TrainingPanel.LOSS))).isEqualTo(5);
        // the chart's last loss is the one the local model reports (LocalTrainer's weighted epoch mean)
        String lastLoss = edt(() -> String.format(java.util.Locale.ROOT, "%.3f", frame.trainingPanel.localChart.last(TrainingPanel.LOSS)));
        assertThat(label("localModel")).contains("loss " + lastLoss);
        shot("training");

        step("predict on a full-size DICOM folder with global model version 3");
        page("Prediction");
        window.radioButton("fromFolder").click();
        window.textBox("studyFolder").setText(fullStudy.toString());
        window.button("predict").click();
        awaitCondition("a probability", () -> label("probability").matches("[0-9]+\\.[0-9] %"), 180);
        awaitText("predictionViewer.info", "slice", 10);
        shot("prediction");

        step("from the Data page: predict the selected patient");
        page("Data");
        window.table("patients").selectRows(2);
        window.button("showFindings").click();
        awaitCondition("the Prediction page opened", () -> edt(() -> frame.tabs.getSelectedIndex()) == 3, 10);
        awaitCondition("the patient's prediction is in the log", () -> edt(() -> frame.session.log.text())
                .contains("prediction for patient site-1-0003 with the global model version 3: cancer probability "), 120);

        step("the primary dies: the window says it uses the backup, since when and why");
        page("Server");
        primary.close();
        awaitCondition("failover banner", () -> edt(() -> frame.header.isBannerVisible()), 60);
        assertThat(label("failoverBanner")).matches("⚠  using backup " + backupUrl + " since \\d\\d:\\d\\d: primary unreachable: connection refused");
        awaitText("connectionIndicator", "connected to backup " + backupUrl, 30);
        awaitText("serverRole", "backup, active: it took over from the primary", 30);
        assertThat(label("connectResult")).as("the words under Connect follow the failover too").startsWith("connected to backup " + backupUrl);
        shot("failover");
        page("Log");
        assertThat(edt(() -> window.textBox("log").target().getText())).contains("failover: now using backup " + backupUrl)
                .contains("send update").contains("accepted by the primary: queue 1 / 2");
        shot("log");

        step("words for a failing server: down, token refused, plan mismatch");
        page("Server");
        Path otherDir = work.resolve("other");
        Path otherToken = Servers.tokenFile(otherDir, "hospital-a", work.resolve("other.token"));
        try (LungflServer other = Servers.start(otherDir, Servers.OTHER_PLAN, 0, 2)) {
            connect("127.0.0.1:" + TinyFederation.freePort(), "", tokenA.toString());
            awaitText("connectResult", "server unreachable: connection refused", 30);
            assertThat(label("connectionIndicator")).isEqualTo("server unreachable: connection refused");

            connect("127.0.0.1:" + other.port(), "", tokenA.toString());
            awaitText("connectResult", "token refused: the server does not know this site's token", 30);

            connect("127.0.0.1:" + other.port(), "", otherToken.toString());
            awaitText("connectResult", "connected to primary, plan tiny-b; plan mismatch: your imported data were preprocessed under another plan", 30);
            // the status that follows keeps saying it
            awaitText("updatedAt", "updated", 30);
            assertThat(label("connectionIndicator")).contains("plan mismatch");
            page("Training");
            assertThat(edt(() -> window.button("send").target().isEnabled())).as("no sending under another plan").isFalse();
            assertThat(edt(() -> window.button("send").target().getToolTipText())).contains("trained under another plan");
        }

        step("dark mode, then close: settings are kept, the token is not");
        page("Data");
        window.button("theme").click();
        window.close();
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        String kept = Files.readString(settings);
        assertThat(kept).contains(otherToken.toString()).contains(site.resolve("dicom").toString()).contains("\"dark\" : true")
                .doesNotContain(Files.readString(otherToken).strip()).doesNotContain(Files.readString(tokenA).strip());
        robot.cleanUp();
        backup.close();
    }

    // --- helpers -------------------------------------------------------------------------------

    private void connect(String server, String backups, String token) {
        window.textBox("server").setText(server);
        window.textBox("backups").setText(backups);
        window.textBox("tokenFile").setText(token);
        awaitCondition("Connect enabled", () -> edt(() -> window.button("connect").target().isEnabled()), 30);
        window.button("connect").click();
    }

    private int sliceNumber() {
        return edt(() -> frame.dataPanel.viewer.sliceNumber());
    }

    private boolean busy() {
        return edt(() -> frame.session.jobs.busy());
    }

    /** The event thread runs a task within 5 s, and a page switch through the robot works: the window is not frozen. */
    private void eventThreadAnswers() throws Exception {
        FutureTask<Boolean> ping = new FutureTask<>(() -> true);
        SwingUtilities.invokeLater(ping);
        assertThat(ping.get(5, TimeUnit.SECONDS)).isTrue();
        String was = edt(() -> frame.tabs.getTitleAt(frame.tabs.getSelectedIndex()));
        page("Server");
        assertThat(edt(() -> frame.tabs.getSelectedIndex())).isZero();
        page(was);
    }

    private void page(String title) {
        window.tabbedPane("pages").selectTab(title);
    }

    private String label(String name) {
        if (name.equals("queueBarText")) return edt(() -> window.progressBar("queueBar").target().getString());
        return edt(() -> ((JLabel) find(name)).getText());
    }

    private Component find(String name) {
        return robot.finder().findByName(frame, name, false);
    }

    private void awaitText(String name, String contains, int seconds) {
        awaitCondition(name + " shows '" + contains + "'", () -> label(name).contains(contains), seconds);
    }

    private void awaitCondition(String what, BooleanSupplier ok, int seconds) {
        try {
            Pause.pause(new Condition(what) {
                @Override public boolean test() {
                    return ok.getAsBoolean();
                }
            }, Timeout.timeout(seconds * 1000L));
        } catch (org.assertj.swing.exception.WaitTimedOutError e) {
            throw new AssertionError("waited " + seconds + " s for: " + what + "; task bar: '" + label("taskText") + "', connection: '"
                    + label("connectionIndicator") + "'", e);
        }
    }

    private static <T> T edt(Callable<T> c) {
        return GuiActionRunner.execute(c);
    }

    /** The window's content as it is painted, without the window manager's frame. */
    private void shot(String name) throws Exception {
        robot.waitForIdle();
        BufferedImage img = edt(() -> {
            JComponent root = frame.getRootPane();
            BufferedImage i = new BufferedImage(root.getWidth(), root.getHeight(), BufferedImage.TYPE_INT_RGB);
            var g = i.createGraphics();
            root.paint(g);
            g.dispose();
            return i;
        });
        ImageIO.write(img, "png", shots.resolve(name + ".png").toFile());
        step("screenshot " + name + ".png");
    }
}
