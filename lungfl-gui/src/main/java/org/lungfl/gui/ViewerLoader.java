package org.lungfl.gui;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.swing.SwingUtilities;
import org.lungfl.client.StopSignal;
import org.lungfl.gui.viewer.StudyLoader;
import org.lungfl.gui.viewer.ViewerVolume;

/**
 * Loads studies for a slice viewer on its own background thread (viewing must not wait for a
 * training). Choosing another patient stops the load in progress; only the latest one is shown.
 */
final class ViewerLoader {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lungfl-gui-viewer");
        t.setDaemon(true);
        return t;
    });
    private StopSignal current = new StopSignal();

    /** Event thread: {@code folder} runs on the loader thread (finding a patient's folder reads files too). */
    void load(Supplier<Path> folder, Consumer<ViewerVolume> onLoaded, Consumer<String> onError) {
        current.raise();
        StopSignal stop = new StopSignal();
        current = stop;
        thread.execute(() -> {
            if (stop.raised()) return;
            try {
                ViewerVolume v = StudyLoader.load(folder.get(), stop, (done, total) -> {});
                SwingUtilities.invokeLater(() -> {
                    if (!stop.raised()) onLoaded.accept(v);
                });
            } catch (StopSignal.Stopped superseded) {
                // another patient was chosen
            } catch (RuntimeException | OutOfMemoryError e) {
                String words = ErrorWords.of(e);
                SwingUtilities.invokeLater(() -> {
                    if (!stop.raised()) onError.accept(words);
                });
            }
        });
    }

    void shutdown() {
        current.raise();
        thread.shutdownNow();
    }
}
