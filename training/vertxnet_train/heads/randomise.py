"""Scale and look randomised on the heads' pooled input, per film, at training time.

The phantom frames each view in its own range of fields and develops it its own ways, so a head can
learn "bodies this big in the frame" or "this grey curve" as the view. Real films are framed and
processed every way (SynthSeg's lesson, issue 12), so each film is zoomed about a random point,
given a random gamma, blurred and made noisy before the head sees it. The letterbox padding keeps
its value: it is not part of the film.
"""
import math

import torch
import torch.nn.functional as F

from .common import PADDING, letterbox_padding
from .constants import MEAN, STD

ZOOM = (0.7, 1.4)  # content scale: below 1 the film shrinks inside the frame, above 1 a part of it fills it
GAMMA = (0.6, 1.6)  # on the content's grey in [0, 1], drawn log-uniform
BLUR = 1.2  # largest Gaussian sigma, pooled pixels (about 5 pixels of the 512 frame)
NOISE = 0.08  # largest noise sigma, in normalised units
SHARE = 0.8  # films randomised; the rest pass as they are


def randomise_scale_and_look(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Pooled normalised films [N,1,H,W] (pool_canvas), each randomised with chance SHARE."""
    n = x.shape[0]
    u = torch.rand(n, 6, generator=gen)
    chosen = u[:, 0] < SHARE
    padding = letterbox_padding(x)
    out = _zoom(x, padding, scale=span(u[:, 1], *ZOOM, log=True), centre=u[:, 2:4])
    padding = letterbox_padding(out)
    grey = ((out * STD + MEAN).clamp(0, 1) ** span(u[:, 4], *GAMMA, log=True)[:, None, None, None] - MEAN) / STD
    grey = _blur(grey, BLUR * u[:, 5])
    grey = grey + NOISE * torch.rand(n, 1, 1, 1, generator=gen) * torch.randn(grey.shape, generator=gen)
    out = torch.where(padding, torch.full_like(out, PADDING), grey)
    return torch.where(chosen[:, None, None, None], out, x)


def span(u: torch.Tensor, lo: float, hi: float, *, log: bool = False) -> torch.Tensor:
    """Uniform draws u in [0, 1) mapped onto [lo, hi), log-uniformly with `log`."""
    return torch.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if log else lo + u * (hi - lo)


def _zoom(x: torch.Tensor, padding: torch.Tensor, *, scale: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
    """Each film scaled by `scale` about a point drawn in its middle half; what leaves the frame is
    lost, what enters it is letterbox padding."""
    n = x.shape[0]
    c = centre * 1.0 - 0.5  # in [-0.5, 0.5) of the grid's [-1, 1]
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = 1 / scale
    theta[:, 1, 1] = 1 / scale
    theta[:, :, 2] = c * (1 - 1 / scale[:, None])
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    shifted = F.grid_sample(x - PADDING, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + PADDING
    was_padding = F.grid_sample(padding.float(), grid, mode="nearest", padding_mode="border", align_corners=False) > 0.5
    outside = (grid.abs() > 1).any(dim=3)[:, None]
    return torch.where(was_padding | outside, torch.full_like(shifted, PADDING), shifted)


def _blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """A separable Gaussian blur of each film by its own sigma (pooled pixels; 0 leaves it)."""
    radius = 3
    t = torch.arange(-radius, radius + 1, dtype=x.dtype)
    k = torch.exp(-(t[None, :] ** 2) / (2 * sigma.clamp(min=1e-3)[:, None] ** 2))
    k = k / k.sum(dim=1, keepdim=True)
    n = x.shape[0]
    y = F.conv2d(F.pad(x.transpose(0, 1), (radius, radius, 0, 0), mode="replicate"), k[:, None, None, :], groups=n)
    y = F.conv2d(F.pad(y, (0, 0, radius, radius), mode="replicate"), k[:, None, :, None], groups=n)
    return y.transpose(0, 1)
