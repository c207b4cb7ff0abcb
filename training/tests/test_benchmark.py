import json
import os

from vertxnet_train.benchmark import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_benchmark_times_the_shipped_models(dataset, tmp_path):
    out = tmp_path / "bench.json"
    assert main(["--models", os.path.join(ROOT, "models"), "--images", dataset, "--batches", "1,2",
                 "--seconds", "0.01", "--device", "cpu", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["device"].startswith("cpu")
    for kind in ("unet", "maskrcnn"):
        rows = report["models"][kind]["torch"]
        assert [r["batch"] for r in rows] == [1, 2]
        for r in rows:
            assert r["imagesPerSecond"] > 0 and r["batches"] >= 5
            assert 0 < r["latencyMs"]["p50"] <= r["latencyMs"]["p95"]
    assert report["peakRssMB"] > 0
