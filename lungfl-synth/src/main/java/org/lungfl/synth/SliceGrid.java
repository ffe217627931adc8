package org.lungfl.synth;

/**
 * The pixel grid of an axial slice: pixel (row i, column j) is centred at
 * (x0 + j·dx, y0 + i·dy) in patient LPS millimetres.
 */
record SliceGrid(int rows, int cols, double x0, double y0, double dx, double dy) {

    /** A grid of rows × cols pixels of the given spacing, centred on (cx, cy). */
    static SliceGrid centred(int rows, int cols, double spacing, double cx, double cy) {
        return new SliceGrid(rows, cols, cx - (cols - 1) / 2.0 * spacing, cy - (rows - 1) / 2.0 * spacing, spacing, spacing);
    }

    int colAtOrAfter(double x) { return Math.max(0, (int) Math.ceil((x - x0) / dx)); }

    int colAtOrBefore(double x) { return Math.min(cols - 1, (int) Math.floor((x - x0) / dx)); }

    int rowAtOrAfter(double y) { return Math.max(0, (int) Math.ceil((y - y0) / dy)); }

    int rowAtOrBefore(double y) { return Math.min(rows - 1, (int) Math.floor((y - y0) / dy)); }
}
