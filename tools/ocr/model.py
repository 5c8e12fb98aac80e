"""The line recogniser: an all-convolution CTC network small enough for a CPU in a few milliseconds.

Input: N x 1 x 32 x W grey lines (see `prep`), output: N x C x 1 x W/4 class scores, one column
per 4 input pixels (C = blank + the alphabet of charset.py). No recurrent layers, so OpenCV 4.6's
DNN module runs the ONNX export as it is.

Shape of the network and why:
- two 3x3 stages at full and half resolution with few channels (that is where the pixels are;
  tone marks are only 2-4 px at this height, so the first layers must see them before pooling);
- three 3x3 stages that fold the height 8 -> 4 -> 2 with strided convolutions rather than
  pooling, so the vertical position of a mark (above or below the letter) is learned, not lost;
- a 2x1 convolution to one row, then residual blocks of depthwise 1xk + pointwise convolutions
  that give each column the context of its neighbours (which vowel a mark belongs to, word
  shapes) at a fraction of the cost of full convolutions;
- 1x1 convolution to the class scores.
"""
import numpy as np
import torch
import torch.nn as nn

HEIGHT = 32
STRIDE = 4  # input pixels per output column


def _cbr(cin, cout, k=(3, 3), s=(1, 1), p=None):
    if p is None:
        p = (k[0] // 2, k[1] // 2)
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class _SepRes(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        self.dw = nn.Conv2d(c, c, (1, k), 1, (0, k // 2), groups=c, bias=False)
        self.pw = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(x + self.bn(self.pw(self.dw(x))))


class Recognizer(nn.Module):
    def __init__(self, num_classes, widths=(16, 48, 96, 96, 160, 256), blocks=2, k=7):
        super().__init__()
        a, b, c, d, e, f = widths
        self.features = nn.Sequential(
            _cbr(1, a), nn.MaxPool2d(2),              # 32 -> 16
            _cbr(a, b), nn.MaxPool2d(2),              # 16 -> 8, width / 4
            _cbr(b, c),
            _cbr(c, d, s=(2, 1)),                     # 8 -> 4
            _cbr(d, e, s=(2, 1)),                     # 4 -> 2
            _cbr(e, f, k=(2, 1), p=(0, 0)),           # 2 -> 1
            *[_SepRes(f, k) for _ in range(blocks)],
        )
        self.head = nn.Conv2d(f, num_classes, 1)

    def forward(self, x):
        return self.head(self.features(x))


class Exported(nn.Module):
    """What the ONNX file contains: the recogniser followed by a softmax over the classes."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.softmax(self.model(x), dim=1)


def prep(grey):
    """uint8 H x W line (already HEIGHT high) -> float32 1 x 1 x H x W network input.

    The 2nd and 98th intensity percentiles are stretched to 0 and 255 (when they differ by at
    least 8 levels), then mapped to [-1, 1]: contrast and exposure vary far more between phones
    than between characters. src/doc implements the same steps."""
    g = grey.astype(np.float32)
    lo, hi = np.percentile(g, 2), np.percentile(g, 98)
    if hi - lo >= 8:
        g = np.clip((g - lo) * (255.0 / (hi - lo)), 0, 255)
    return (g / 127.5 - 1.0)[None, None]


def macs_per_column(widths=(16, 48, 96, 96, 160, 256), blocks=2, k=7, num_classes=211):
    """Multiply-accumulates per input column (times the width for a line's cost)."""
    a, b, c, d, e, f = widths
    m = 32 * 9 * a + 16 * 0.5 * 9 * a * b + 8 * 0.25 * 9 * b * c + 4 * 0.25 * 9 * c * d
    m += 2 * 0.25 * 9 * d * e + 0.25 * 2 * e * f + blocks * 0.25 * (k * f + f * f)
    m += 0.25 * f * num_classes
    return m
