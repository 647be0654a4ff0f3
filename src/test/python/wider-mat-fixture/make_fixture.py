"""Writes the WIDER FACE evaluation lists used by WiderSubsetsTest with scipy.io.savemat, the
way WIDER's eval_tools/ground_truth/wider_{easy,medium,hard}_val.mat are laid out (MAT v5,
compressed): event_list (events x 1 cell of strings), file_list (events x 1 cell of images x 1
cells of strings, names without extension), face_bbx_list (same nesting, n x 4 double boxes) and
gt_list (same nesting, k x 1 double arrays of the 1-based face rows kept for that subset).

Run once with scipy (any version that writes MAT v5); the .mat files are committed as test
fixtures (a few hundred bytes each), this script is how they were made:
    python3 make_fixture.py ../../resources/faceattr/wider-mat
"""
import sys

import numpy as np
from scipy.io import savemat

EVENTS = ["0--Parade", "1--Handshaking"]
FILES = [["0_Parade_scene_0", "0_Parade_scene_1"], ["1_Handshaking_scene_0"]]
BOXES = [[[[10, 10, 80, 90], [200, 40, 30, 34], [300, 300, 10, 12]], [[5, 5, 60, 60]]],
         [[[40, 50, 20, 22], [100, 100, 70, 75]]]]
# 1-based rows kept per subset: easy keeps the large faces, medium also the mid-sized ones, hard all.
KEEP = {
    "easy": [[[1], [1]], [[2]]],
    "medium": [[[1, 2], [1]], [[1, 2]]],
    "hard": [[[1, 2, 3], [1]], [[1, 2]]],
}


def cell(items):
    c = np.empty((len(items), 1), dtype=object)
    for i, v in enumerate(items):
        c[i, 0] = v
    return c


def main(out):
    events = cell([np.array([e]) for e in EVENTS])
    files = cell([cell([np.array([f]) for f in fs]) for fs in FILES])
    boxes = cell([cell([np.array(b, dtype=float) for b in bs]) for bs in BOXES])
    for name, keep in KEEP.items():
        gt = cell([cell([np.array(k, dtype=float).reshape(-1, 1) for k in ks]) for ks in keep])
        savemat(f"{out}/wider_{name}_val.mat", {"event_list": events, "file_list": files,
                                                 "face_bbx_list": boxes, "gt_list": gt},
                do_compression=True)


if __name__ == "__main__":
    main(sys.argv[1])
