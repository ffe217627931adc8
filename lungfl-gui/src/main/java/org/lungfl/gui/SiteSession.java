package org.lungfl.gui;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.gui.site.GlobalModel;
import org.lungfl.gui.site.LocalUpdate;
import org.lungfl.gui.site.PatientRow;
import org.lungfl.gui.site.SiteFolder;

/**
 * Everything the pages share: settings, the connection, the plan, the site's models and patients,
 * the job runner, the log and the failover watch. Touched on the event thread only; background jobs
 * get immutable copies and hand their results back through {@link Jobs}. Pages listen for changes
 * and re-derive their buttons from {@link #state}.
 */
final class SiteSession {
    final Settings settings;
    final Path settingsFile;
    final Clock clock;
    final ActivityLog log;
    final Jobs jobs;
    final FailoverWatch watch;
    private final List<Runnable> listeners = new ArrayList<>();

    Connection connection;
    boolean connected;
    FederationPlan plan;
    /** The plan came from a server in this session (not only the copy kept in the site folder). */
    boolean planFromServer;
    GlobalModel global;
    LocalUpdate local;
    List<PatientRow> patients = List.of();
    /** Preprocessing fingerprint of the cache's patients (null: none, or mixed). */
    String cacheFingerprint;
    /** Set by the Prediction page. */
    boolean studyChosen;
    /** Asks the server for its status now (set by the Server page). */
    Runnable refreshStatus = () -> {};

    SiteSession(Settings settings, Path settingsFile, Clock clock) {
        this.settings = settings;
        this.settingsFile = settingsFile;
        this.clock = clock;
        this.log = new ActivityLog(clock);
        this.jobs = new Jobs(log);
        this.watch = new FailoverWatch(clock, log::add);
        jobs.listen(new Jobs.Listener() {
            @Override public void started(String title) {
                changed();
            }

            @Override public void finished(String title, Jobs.Outcome outcome, String words) {
                changed();
            }
        });
    }

    SiteFolder site() {
        return new SiteFolder(settings.siteFolder());
    }

    /** Reads what the site folder holds: the plan of the last connection (unless connected), models, patients. */
    void reloadSite() {
        SiteFolder s = site();
        if (!planFromServer) plan = s.savedPlan().orElse(null);
        global = s.savedGlobal().orElse(null);
        local = s.savedLocal().orElse(null);
        try {
            patients = s.patients();
            cacheFingerprint = s.cacheFingerprint();
        } catch (RuntimeException unreadable) {
            patients = List.of();
            cacheFingerprint = null;
            log.add("the site folder's cache cannot be read: " + ErrorWords.of(unreadable));
        }
        changed();
    }

    /** The nodule annotations CSV, or null when none is set. */
    java.nio.file.Path annotations() {
        return settings.annotationsCsv.isBlank() ? null : java.nio.file.Path.of(settings.annotationsCsv);
    }

    boolean dataChosen() {
        return !settings.dicomDir.isBlank() && !settings.labelsCsv.isBlank();
    }

    SiteState state() {
        boolean imported = plan != null && !patients.isEmpty() && plan.preprocessFingerprint().equals(cacheFingerprint);
        boolean localFits = local != null && (plan == null || plan.fingerprint().equals(local.planFingerprint()));
        boolean globalFits = global != null && (plan == null || global.fits(plan));
        return new SiteState(connected, plan != null, dataChosen(), imported, local != null, localFits, globalFits || localFits, studyChosen,
                jobs.busy());
    }

    void listen(Runnable r) {
        listeners.add(r);
    }

    void changed() {
        for (Runnable r : List.copyOf(listeners)) r.run();
    }

    void saveSettings() {
        settings.save(settingsFile);
    }
}
