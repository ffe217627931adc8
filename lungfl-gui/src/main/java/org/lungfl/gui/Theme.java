package org.lungfl.gui;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLaf;
import com.formdev.flatlaf.FlatLightLaf;
import java.awt.Color;
import java.awt.Font;
import java.util.Map;
import javax.swing.UIManager;

/**
 * FlatLaf, light or dark, with one calm accent colour and rounded controls. FlatLaf scales with
 * the system's font size and HiDPI factor ({@code GDK_SCALE}, or {@code -Dsun.java2d.uiScale=2}).
 */
public final class Theme {
    public static final Color OK = new Color(0x2E9D5B);
    public static final Color WARNING = new Color(0xD98E04);
    public static final Color ERROR = new Color(0xD64545);
    public static final Color NONE = new Color(0x8A8F98);
    public static final Color ACCENT = new Color(0x0B72B9);

    private static boolean dark;

    private Theme() {}

    public static void install(boolean darkMode) {
        FlatLaf.setGlobalExtraDefaults(Map.of("@accentColor", "#0B72B9"));
        UIManager.put("Component.arc", 8);
        UIManager.put("Button.arc", 8);
        UIManager.put("TextComponent.arc", 6);
        UIManager.put("ProgressBar.arc", 6);
        UIManager.put("ScrollBar.showButtons", false);
        UIManager.put("ScrollBar.width", 12);
        UIManager.put("TabbedPane.tabHeight", 36);
        UIManager.put("TabbedPane.showTabSeparators", false);
        UIManager.put("Table.showHorizontalLines", true);
        UIManager.put("Table.intercellSpacing", new java.awt.Dimension(0, 1));
        UIManager.put("TitlePane.unifiedBackground", true);
        UIManager.put("TextComponent.selectAllOnFocusPolicy", "never");
        apply(darkMode);
    }

    /** Switches light/dark on a running window. */
    public static void toggle() {
        apply(!dark);
        FlatLaf.updateUI();
    }

    private static void apply(boolean darkMode) {
        dark = darkMode;
        if (darkMode) FlatDarkLaf.setup();
        else FlatLightLaf.setup();
    }

    public static boolean dark() {
        return dark;
    }

    public static Color colour(ConnectionCheck.Level level) {
        return switch (level) {
            case OK -> OK;
            case WARNING -> WARNING;
            case ERROR -> ERROR;
            case NONE -> NONE;
        };
    }

    /** A softer background for a banner of that colour, readable in both themes. */
    public static Color tint(Color c) {
        Color base = UIManager.getColor("Panel.background");
        if (base == null) base = Color.WHITE;
        float a = dark ? 0.30f : 0.16f;
        return new Color(mix(base.getRed(), c.getRed(), a), mix(base.getGreen(), c.getGreen(), a), mix(base.getBlue(), c.getBlue(), a));
    }

    public static Font scaled(Font f, float factor, int style) {
        return f.deriveFont(style, f.getSize2D() * factor);
    }

    public static Color muted() {
        Color c = UIManager.getColor("Label.disabledForeground");
        return c != null ? c : Color.GRAY;
    }

    private static int mix(int a, int b, float t) {
        return Math.round(a + (b - a) * t);
    }
}
