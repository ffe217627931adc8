# The Python stack LungFL replaces, timed the way `lungfl bench dicom` times LungFL:
# pydicom.dcmread from bytes in memory, then HU = pixel_array * slope + intercept (float32).
# Args: seconds-per-file, then files. Prints "path<TAB>microseconds" (or "path<TAB>n/a: reason").
import io, sys, time
import numpy as np
import pydicom

def once(data):
    ds = pydicom.dcmread(io.BytesIO(data))
    hu = ds.pixel_array.astype(np.float32) * np.float32(float(getattr(ds, "RescaleSlope", 1))) \
        + np.float32(float(getattr(ds, "RescaleIntercept", 0)))
    return hu

budget = float(sys.argv[1])
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    try:
        once(data)
        n, start = 0, time.perf_counter()
        while True:
            once(data)
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= budget:
                break
        print("%s\t%.1f" % (path, elapsed / n * 1e6), flush=True)
    except Exception as e:
        print("%s\tn/a: %s" % (path, type(e).__name__), flush=True)
