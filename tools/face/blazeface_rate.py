#!/usr/bin/python3
"""Detection rate of BlazeFace (front 128 / back 256, converted by tools/convert) on a list of
images, to compare with dlib's HOG detector (whose rate `ekyc face eval` reports).

Usage: /usr/bin/python3 tools/face/blazeface_rate.py MODEL_DIR IMAGE... [--threshold 0.75]
Decoding follows MediaPipe's BlazeFace: sigmoid(score) per anchor; anchors on 16x16 (2 per cell)
and 8x8 (6 per cell) grids for the front model, 32x32/16x16 for the back model; the image is
letterboxed to a square. Prints the fraction of images with at least one face above the threshold.
"""
import sys

import cv2
import numpy as np


def anchors(size, grids):
    out = []
    for g, n in grids:
        for y in range(g):
            for x in range(g):
                for _ in range(n):
                    out.append(((x + 0.5) / g, (y + 0.5) / g))
    return np.array(out, np.float32)


def detect(net, img, size, anc, thr):
    h, w = img.shape[:2]
    side = max(h, w)
    sq = cv2.copyMakeBorder(img, (side - h) // 2, side - h - (side - h) // 2, (side - w) // 2,
                            side - w - (side - w) // 2, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    blob = cv2.dnn.blobFromImage(sq, 1 / 127.5, (size, size), (127.5, 127.5, 127.5), swapRB=True)
    net.setInput(blob)
    names = net.getUnconnectedOutLayersNames()
    outs = dict(zip(names, net.forward(names)))
    scores = np.concatenate([outs["Identity"].reshape(-1), outs["Identity_1"].reshape(-1)])
    probs = 1 / (1 + np.exp(-np.clip(scores, -80, 80)))
    return float(probs.max()) if len(probs) else 0.0


def main():
    model_dir = sys.argv[1]
    args = sys.argv[2:]
    thr = 0.75
    if "--threshold" in args:
        i = args.index("--threshold")
        thr = float(args[i + 1])
        del args[i:i + 2]
    for mid, size, grids in (("blazeface-front", 128, [(16, 2), (8, 6)]), ("blazeface-back", 256, [(32, 2), (16, 6)])):
        net = cv2.dnn.readNetFromONNX("%s/%s.onnx" % (model_dir, mid))
        anc = anchors(size, grids)
        found, missed = 0, []
        for p in args:
            img = cv2.imread(p, cv2.IMREAD_COLOR)
            if detect(net, img, size, anc, thr) >= thr:
                found += 1
            else:
                missed.append(p.split("/")[-1])
        print("%s: %d/%d images with a face >= %.2f; missed: %s" % (mid, found, len(args), thr, " ".join(missed[:20])))


if __name__ == "__main__":
    main()
