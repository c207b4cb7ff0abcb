"""CR/DR image processing randomised on the heads' pooled input, per film, at training time.

Every scanner hands out its films processed its own way: detail boosted against the large-scale
density (unsharp masking, multi-scale equalisation), a tone curve of its own, a range pressed into
a low-contrast band. A head that has only seen the phantom's processing learns its grey levels
(a bright shoulder blob, a dark neck) as the view. Each film is therefore given a random large-scale
scale, a detail gain, a sigmoid tone curve and a range before the head sees it (issue 12's
"blur and sharpening, LUT shapes, low-contrast pre-processed films"). The letterbox padding keeps
its value: it is not part of the film.
"""
import torch
import torch.nn.functional as F

from .common import PADDING, letterbox_padding
from .constants import MEAN, STD
from .randomise import span

SCALES = (4, 8, 16)  # the large-scale part: the film averaged over this many pooled pixels, then smoothed back up
GAIN = (0.0, 2.5)  # detail gain over the large-scale part (0 leaves the film's contrast as it is)
SLOPE = (0.0, 10.0)  # the sigmoid tone curve's slope; below 1 the curve is left out
CENTRE = (0.3, 0.7)  # where the curve is steepest, on the content's grey
FLOOR = 0.3  # the range is pressed into [lo, hi], lo up to FLOOR, hi down to 1 - FLOOR
SHARE = 0.8  # films processed; the rest pass as they are


def randomise_processing(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Pooled normalised films [N,1,H,W] (pool_canvas), each processed with chance SHARE."""
    n = x.shape[0]
    u = torch.rand(n, 7, generator=gen)
    chosen = u[:, 0] < SHARE
    padding = letterbox_padding(x)
    grey = (x * STD + MEAN).clamp(0, 1)
    scale = torch.tensor(SCALES)[(u[:, 1] * len(SCALES)).long().clamp(max=len(SCALES) - 1)]
    grey = equalise(grey, padding, scale=scale, gain=span(u[:, 2], *GAIN))
    grey = tone_curve(grey, span(u[:, 3], *SLOPE), span(u[:, 4], *CENTRE))
    lo, hi = FLOOR * u[:, 5], 1 - FLOOR * u[:, 6]
    grey = lo[:, None, None, None] + (hi - lo)[:, None, None, None] * grey
    out = torch.where(padding, torch.full_like(x, PADDING), (grey - MEAN) / STD)
    return torch.where(chosen[:, None, None, None], out, x)


def equalise(grey: torch.Tensor, padding: torch.Tensor, *, scale: torch.Tensor, gain: torch.Tensor) -> torch.Tensor:
    """Detail boosted by `gain` over each film's large-scale part (its average over `scale` pooled
    pixels, the padding filled with the film's mean so that the letterbox edge makes no halo);
    grey in [0, 1], clamped there."""
    content = (~padding).float()
    mean = (grey * content).sum(dim=(1, 2, 3), keepdim=True) / content.sum(dim=(1, 2, 3), keepdim=True).clamp(min=1)
    filled = torch.where(padding, mean.expand_as(grey), grey)
    base = torch.empty_like(grey)
    for s in scale.unique().tolist():
        which = scale == s
        coarse = F.avg_pool2d(filled[which], int(s))
        base[which] = F.interpolate(coarse, size=grey.shape[2:], mode="bilinear", align_corners=False)
    return (base + (1 + gain[:, None, None, None]) * (grey - base)).clamp(0, 1)


def tone_curve(grey: torch.Tensor, slope: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
    """A sigmoid tone curve through (0, 0) and (1, 1), steepest at `centre`; a slope below 1 leaves
    the film as it is."""
    s = slope[:, None, None, None].clamp(min=1e-3)
    c = centre[:, None, None, None]
    low, high = torch.sigmoid(-s * c), torch.sigmoid(s * (1 - c))
    curved = (torch.sigmoid(s * (grey - c)) - low) / (high - low)
    return torch.where(slope[:, None, None, None] >= 1, curved, grey)
