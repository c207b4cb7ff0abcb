import os
import sys
import warnings

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import torch  # noqa: E402

torch.set_num_threads(2)
warnings.filterwarnings("ignore", message=".*not a vertebral level.*")

from synth import make_dataset, make_synthetic  # noqa: E402


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    """Phantom data when the generator is built, else the synthetic maker (6 images, long side 256)."""
    return make_dataset(str(tmp_path_factory.mktemp("data")), count=6, seed=1, max_side=256)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """Always the local maker: 8/16-bit PNG, JPEG, polygons and RLE, a non-level category."""
    return make_synthetic(str(tmp_path_factory.mktemp("synth")), count=6, seed=2, max_side=200)


def _train(tmp_path_factory, kind, data, extra=()):
    from vertxnet_train.train import main
    run = str(tmp_path_factory.mktemp("run-" + kind))
    summary = main(["--model", kind, "--data", data, "--out", run, "--config", "tiny", "--iters", "2"] + list(extra))
    return run, summary


@pytest.fixture(scope="session")
def unet_run(tmp_path_factory, dataset):
    return _train(tmp_path_factory, "unet", dataset)


@pytest.fixture(scope="session")
def maskrcnn_run(tmp_path_factory, dataset):
    return _train(tmp_path_factory, "maskrcnn", dataset)
