"""Writes CT files described by a JSON list (argv[1]) with pydicom, independently of LungFL's writer.

Each item: path, series_uid, position [x,y,z], and optionally patient_id, modality ("CT"),
orientation (axial), pixel_spacing [0.8, 0.8], rows/cols (32), instance, tilt (GantryDetectorTilt),
frames (1), hu (constant fill, default -1000), blob [cy, cx, r, hu] (a disc drawn on top),
padding (PixelPaddingValue, stored; pixels outside a centred circle get it), corrupt (write garbage).
Stored values are HU + 1024 (RescaleIntercept -1024), unsigned 16-bit, explicit VR little endian.
"""
import json
import sys

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT = "1.2.840.10008.5.1.4.1.1.2"

for item in json.load(open(sys.argv[1])):
    if item.get("corrupt"):
        with open(item["path"], "wb") as f:
            f.write(b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff\x7fgarbage")
        continue
    rows, cols = item.get("rows", 32), item.get("cols", 32)
    hu = np.full((rows, cols), item.get("hu", -1000), dtype=np.int32)
    if "blob" in item:
        cy, cx, r, v = item["blob"]
        yy, xx = np.mgrid[0:rows, 0:cols]
        hu[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = v
    stored = (hu + 1024).astype(np.uint16)
    if "padding" in item:
        yy, xx = np.mgrid[0:rows, 0:cols]
        outside = (yy - (rows - 1) / 2) ** 2 + (xx - (cols - 1) / 2) ** 2 > (min(rows, cols) / 2) ** 2
        stored[outside] = item["padding"]
    frames = item.get("frames", 1)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(item["path"], {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientID = item.get("patient_id", "SYNTH")
    ds.PatientName = "SYNTH^" + item.get("patient_id", "SYNTH")
    ds.Modality = item.get("modality", "CT")
    ds.StudyInstanceUID = item.get("study_uid", "1.2.826.0.1.3680043.8.498.1")
    ds.SeriesInstanceUID = item["series_uid"]
    ds.InstanceNumber = item.get("instance", 1)
    ds.ImagePositionPatient = [float(v) for v in item["position"]]
    ds.ImageOrientationPatient = [float(v) for v in item.get("orientation", [1, 0, 0, 0, 1, 0])]
    ds.PixelSpacing = [float(v) for v in item.get("pixel_spacing", [0.8, 0.8])]
    ds.SliceThickness = 1.0
    if "tilt" in item:
        ds.GantryDetectorTilt = float(item["tilt"])
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    if "padding" in item:
        ds.PixelPaddingValue = item["padding"]
    if frames > 1:
        ds.NumberOfFrames = frames
        stored = np.stack([stored] * frames)
    ds.PixelData = stored.tobytes()
    ds.save_as(item["path"], write_like_original=False)
