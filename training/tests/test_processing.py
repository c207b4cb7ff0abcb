import torch

from vertxnet_train.heads.common import PADDING
from vertxnet_train.heads.processing import equalise, randomise_processing, tone_curve
from vertxnet_train.heads.view import load_view_set, train_view


def letterboxed(n=4, seed=0):
    """Films 88 pooled pixels wide in a 128² letterbox, content in [-1, 1]."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((n, 1, 128, 128), PADDING)
    x[:, :, :, 20:108] = torch.rand(n, 1, 128, 88, generator=g) * 2 - 1
    return x


def test_no_gain_and_a_flat_slope_leave_the_film():
    grey = torch.rand(4, 1, 128, 128, generator=torch.Generator().manual_seed(1))
    padding = torch.zeros_like(grey, dtype=torch.bool)
    assert torch.allclose(equalise(grey, padding, scale=torch.full((4,), 8), gain=torch.zeros(4)), grey, atol=1e-6)
    assert torch.equal(tone_curve(grey, torch.full((4,), 0.5), torch.full((4,), 0.5)), grey)


def test_gain_boosts_detail_over_the_large_scale_part():
    # A slow ramp with fine stripes on it: the gain leaves the ramp and steepens the stripes.
    xs = torch.arange(128, dtype=torch.float32)
    grey = (0.3 + 0.4 * xs / 127 + 0.05 * torch.sign(torch.sin(xs)))[None, None, None, :].expand(2, 1, 128, 128).clone()
    padding = torch.zeros_like(grey, dtype=torch.bool)
    out = equalise(grey, padding, scale=torch.tensor([8, 8]), gain=torch.tensor([0.0, 2.0]))
    fine = lambda t: float((t[..., 1:] - t[..., :-1]).abs().mean())  # noqa: E731
    assert fine(out[1]) > 2 * fine(out[0])
    assert abs(float(out[1, ..., 40:88].mean()) - float(out[0, ..., 40:88].mean())) < 0.05


def test_tone_curve_keeps_its_ends_and_order():
    grey = torch.linspace(0, 1, 101)[None, None, None, :].expand(3, 1, 1, 101)
    curved = tone_curve(grey, torch.tensor([2.0, 6.0, 10.0]), torch.tensor([0.3, 0.5, 0.7]))
    assert torch.allclose(curved[..., 0], torch.zeros(3, 1, 1), atol=1e-5)
    assert torch.allclose(curved[..., -1], torch.ones(3, 1, 1), atol=1e-5)
    assert bool((curved[..., 1:] >= curved[..., :-1] - 1e-6).all())


def test_processing_is_seeded_keeps_the_letterbox_and_changes_most_films():
    x = letterboxed(16)
    a = randomise_processing(x, torch.Generator().manual_seed(3))
    b = randomise_processing(x, torch.Generator().manual_seed(3))
    assert a.shape == x.shape and torch.equal(a, b)
    assert bool((a[:, :, :, :20] == PADDING).all()) and bool((a[:, :, :, 108:] == PADDING).all())
    changed = (a - x).abs().amax(dim=(1, 2, 3)) > 1e-3
    assert 8 <= int(changed.sum()) < 16
    assert float(a[:, :, :, 20:108].min()) >= PADDING - 1e-4


def test_a_view_head_trains_with_it_and_records_it(tmp_path):
    from synth import make_dataset
    dirs = [make_dataset(str(tmp_path / v), count=4, seed=5, view=v, max_side=256) for v in ("cervical", "lumbar")]
    x, y = load_view_set(dirs, log=lambda *_: None)
    _, meta = train_view(x, y, epochs=2, batch=4, process=True, log=lambda *_: None)
    assert meta["process"] is True and len(meta["history"]) == 2


def test_the_level_head_processes_its_films_and_leaves_their_targets():
    from vertxnet_train.heads.level import augment
    x = letterboxed(8)
    y = torch.randint(0, 5, (8, 128, 128), generator=torch.Generator().manual_seed(4))
    plain_x, plain_y = augment(x, y, torch.Generator().manual_seed(5))
    processed_x, processed_y = augment(x, y, torch.Generator().manual_seed(5), process=True)
    # Processing moves no pixel: the targets are mirrored and shifted exactly as without it.
    assert plain_x.shape == processed_x.shape and not torch.allclose(plain_x, processed_x)
    shifts = [(dy, dx) for dy in range(-6, 7) for dx in range(-6, 7)]
    assert any(all(torch.equal(processed_y[i], torch.roll(t, shifts=s, dims=(0, 1))) or
                   torch.equal(processed_y[i], torch.roll(t.flip(1), shifts=s, dims=(0, 1))) for i, t in enumerate(y))
               for s in shifts)
