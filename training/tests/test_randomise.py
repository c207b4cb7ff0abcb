import torch

from vertxnet_train.heads import randomise
from vertxnet_train.heads.randomise import PADDING, randomise_scale_and_look
from vertxnet_train.heads.view import load_view_set, train_view


def letterboxed(n=4, seed=0):
    """Films 88 pooled pixels wide in a 128² letterbox, content in [-1, 1]."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((n, 1, 128, 128), PADDING)
    x[:, :, :, 20:108] = torch.rand(n, 1, 128, 88, generator=g) * 2 - 1
    return x


def content(x):
    return (x > PADDING + 1e-4).float().mean(dim=(1, 2, 3))


def test_zoom_keeps_the_letterbox_and_scales_the_content():
    x = letterboxed()
    padding = x <= PADDING + 1e-4
    same = randomise._zoom(x, padding, scale=torch.ones(4), centre=torch.rand(4, 2))
    assert torch.allclose(same, x, atol=1e-4)
    half = randomise._zoom(x, padding, scale=torch.full((4,), 0.5), centre=torch.full((4, 2), 0.5))
    # A quarter of the content's area is left, the rest is letterbox padding (never a new grey).
    assert torch.allclose(content(half), content(x) / 4, atol=0.01)
    assert bool(((half == PADDING) | (half > PADDING + 1e-4)).all())


def test_blur_at_sigma_zero_leaves_the_film_and_otherwise_smooths_it():
    x = letterboxed()
    assert torch.allclose(randomise._blur(x, torch.zeros(4)), x, atol=1e-4)
    blurred = randomise._blur(x, torch.full((4,), 1.2))
    assert float(blurred[:, :, :, 30:100].std()) < 0.7 * float(x[:, :, :, 30:100].std())


def test_randomising_is_seeded_varies_the_films_and_keeps_their_shape():
    x = letterboxed(8)
    a = randomise_scale_and_look(x, torch.Generator().manual_seed(3))
    b = randomise_scale_and_look(x, torch.Generator().manual_seed(3))
    assert a.shape == x.shape and torch.equal(a, b)
    changed = (a - x).abs().amax(dim=(1, 2, 3)) > 1e-3
    assert 0 < int(changed.sum()) <= 8
    assert float(a.min()) >= PADDING - 1e-4


def test_a_view_head_trains_with_it_and_records_it(tmp_path):
    from synth import make_dataset
    dirs = [make_dataset(str(tmp_path / v), count=4, seed=5, view=v, max_side=256) for v in ("cervical", "lumbar")]
    x, y = load_view_set(dirs, log=lambda *_: None)
    _, meta = train_view(x, y, epochs=2, batch=4, randomise=True, log=lambda *_: None)
    assert meta["randomise"] is True and len(meta["history"]) == 2
    _, plain = train_view(x, y, epochs=1, batch=4, log=lambda *_: None)
    assert "randomise" not in plain
