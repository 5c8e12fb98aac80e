"""Training and validation samples: text from corpus.py drawn by render.py with fonts from fonts.py.

Sample i of a stream with seed S is a pure function of (S, i): the text, the font, the rendering
and every degradation come from random.Random(hash of S and i). A run that stops and resumes from
its checkpoint therefore sees exactly the samples a run without a stop would have seen.
"""
import hashlib
import random

import numpy as np
import torch

import charset
import corpus
import fonts
import render
from model import STRIDE, prep

# Share of lines drawn with a label in front of the value ("Ngày sinh: 01/02/1990"), as a reader
# sees them when label and value sit on one line.
LABELLED = 0.08
# Share of number lines drawn in OCR-B (passport numbers); MRZ lines are always OCR-B.
OCRB_NUMBERS = 0.1


def sample_seed(stream_seed, i):
    h = hashlib.blake2b(("%d:%d" % (stream_seed, i)).encode(), digest_size=8).digest()
    return int.from_bytes(h, "little")


class Sampler:
    def __init__(self, admin_tsv, held_out=False, clean=False, kinds=None):
        self.table = corpus.kinds(corpus.Admin(admin_tsv))
        self.families = fonts.load(held_out=held_out)
        self.family_names = sorted(self.families)
        self.ocrb = fonts.ocrb()
        self.clean = clean
        self.kinds = kinds

    def _font(self, rng, kind, text):
        if kind == "mrz" or (kind == "number" and rng.random() < OCRB_NUMBERS and text.isalnum()):
            return rng.choice(self.ocrb)
        fam = rng.choice(self.family_names)
        return fonts.pick(rng, self.families[fam])

    def sample(self, seed):
        """(kind, text, uint8 image) for one seed; never None (re-draws on a failed render)."""
        rng = random.Random(seed)
        while True:
            kind = rng.choice(self.kinds) if self.kinds else None
            kind, text = corpus.sample_text(rng, self.table, kind)
            if kind in ("name", "date", "number", "misc") and not self.clean and rng.random() < LABELLED:
                text = charset.normalize(rng.choice(corpus.LABELS) + " " + text)
            if not charset.covers(text) or not text.strip():
                continue
            font = self._font(rng, kind, text)
            neighbours = None if self.clean else [corpus.sample_text(rng, self.table)[1] for _ in range(2)]
            img = render.render(text, font, rng.getrandbits(63), clean=self.clean, neighbours=neighbours)
            if img is None:
                continue
            if img.shape[1] // STRIDE < len(text) + 1:  # too tight for CTC to place every letter
                continue
            return kind, text, img


def collate(items):
    """Batch of (kind, text, img): images padded on the right with their own edge colour."""
    width = max(im.shape[1] for _, _, im in items)
    width = (width + STRIDE - 1) // STRIDE * STRIDE
    x = np.zeros((len(items), 1, render.HEIGHT, width), np.float32)
    targets, tlen, ilen = [], [], []
    for n, (_, text, im) in enumerate(items):
        p = prep(im)[0, 0]
        x[n, 0, :, :p.shape[1]] = p
        if p.shape[1] < width:
            x[n, 0, :, p.shape[1]:] = p[:, -1:]
        enc = charset.encode(text)
        targets.extend(enc)
        tlen.append(len(enc))
        ilen.append(p.shape[1] // STRIDE)
    return (torch.from_numpy(x), torch.tensor(targets, dtype=torch.long),
            torch.tensor(ilen, dtype=torch.long), torch.tensor(tlen, dtype=torch.long),
            [t for _, t, _ in items], [k for k, _, _ in items])


class Stream(torch.utils.data.IterableDataset):
    """Batches from sample `start` on, each with the index of its chunk's first sample. Each chunk
    of `batch * chunk` samples is sorted by width and cut into batches (less padding), and the
    batches of a chunk are shuffled. A resume restarts at a chunk's first sample, so the batches of
    a partly consumed chunk are seen again, and none is skipped."""

    def __init__(self, admin_tsv, seed, start, batch, chunk=8):
        super().__init__()
        self.admin, self.seed, self.start, self.batch, self.chunk = admin_tsv, seed, start, batch, chunk

    def __iter__(self):
        sampler = Sampler(self.admin)
        i = self.start
        while True:
            n = self.batch * self.chunk
            items = [sampler.sample(sample_seed(self.seed, i + k)) for k in range(n)]
            order = sorted(range(n), key=lambda k: items[k][2].shape[1])
            batches = [order[b:b + self.batch] for b in range(0, n, self.batch)]
            random.Random(sample_seed(self.seed, -i - 1)).shuffle(batches)
            for b in batches:
                yield collate([items[k] for k in b]), i
            i += n


def fixed_set(admin_tsv, seed, n, held_out=False, clean=False, kinds=None):
    """A validation list of (kind, text, img), the same for the same arguments."""
    s = Sampler(admin_tsv, held_out=held_out, clean=clean, kinds=kinds)
    return [s.sample(sample_seed(seed, i)) for i in range(n)]
