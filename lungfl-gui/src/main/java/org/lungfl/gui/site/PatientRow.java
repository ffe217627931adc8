package org.lungfl.gui.site;

/**
 * One patient of the site's cache as the Data page lists it: the cache key (never a name, ID or
 * date), the label, slices of the chosen series, how the series was chosen and what was wrong.
 */
public record PatientRow(String key, int label, int slices, String series, String warnings) {}
