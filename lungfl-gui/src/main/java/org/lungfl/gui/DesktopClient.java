package org.lungfl.gui;

import java.awt.GraphicsEnvironment;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;
import org.lungfl.core.UserFacingException;

/** {@code lungfl gui}: the hospital's desktop client. */
public final class DesktopClient {
    private DesktopClient() {}

    /** Opens the window and returns once it is closed. */
    public static void run(LaunchOptions options) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        open(options, closed::countDown);
        closed.await();
    }

    /** Opens the window (built on the event thread) and returns it; {@code onClosed} runs when it is closed. */
    public static MainWindow open(LaunchOptions options, Runnable onClosed) {
        if (GraphicsEnvironment.isHeadless()) {
            throw new UserFacingException("the desktop client needs a screen: no display here (DISPLAY is not set, or Java runs headless);"
                    + " use 'lungfl client' on a server without a screen");
        }
        Path file = options.settingsFile() != null ? options.settingsFile() : Settings.defaultFile();
        Settings settings = Settings.load(file);
        AtomicReference<MainWindow> window = new AtomicReference<>();
        try {
            SwingUtilities.invokeAndWait(() -> {
                Theme.install(settings.dark);
                MainWindow w = new MainWindow(settings, file, options, onClosed);
                w.setVisible(true);
                window.set(w);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("interrupted while opening the window");
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw new UserFacingException("the window could not be opened: " + ErrorWords.of(c), c);
        }
        return window.get();
    }
}
