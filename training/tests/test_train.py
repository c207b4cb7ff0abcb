import os
import subprocess

import torch

from vertxnet_train.coco import load_records
from vertxnet_train.data import ForegroundDataset, InstanceDataset, expand_masks
from vertxnet_train.levels import class_names
from vertxnet_train.models import UNet, build_maskrcnn, count_parameters
from vertxnet_train.train import lr_factor, main
from vertxnet_train.weights import load_weights, save_weights, weight_files
from vertxnet_train.weights import torch_load

HERE = os.path.dirname(os.path.abspath(__file__))


def test_model_sizes():
    assert 1.5e6 < count_parameters(UNet(16, 4)) < 2.5e6
    # fp32 ONNX must stay under 50 MB
    assert count_parameters(build_maskrcnn(4, 512)) * 4 < 50e6


def test_lr_schedule():
    assert lr_factor(0, 0.0, warmup=10, min_ratio=0.02) < 0.2
    assert abs(lr_factor(100, 0.0, warmup=10, min_ratio=0.02) - 1.0) < 1e-9
    assert abs(lr_factor(100, 1.0, warmup=10, min_ratio=0.02) - 0.02) < 1e-9


def test_samples(dataset):
    recs = load_records([dataset], 128)
    fg = ForegroundDataset(recs, augment=True, seed=1)
    img, target = fg[0]
    assert img.dtype == torch.uint8 and img.shape == (1, 128, 128) and target.shape == (1, 128, 128)
    assert torch.equal(img, fg[0][0])  # deterministic augmentation
    inst = InstanceDataset(recs, augment=True, seed=1, classes=class_names("reference"))
    img, t = inst[1]
    full = expand_masks(t)
    assert full["masks"].shape[0] == full["boxes"].shape[0] == full["labels"].shape[0] > 0
    for box, m in zip(full["boxes"], full["masks"]):
        ys, xs = torch.nonzero(m, as_tuple=True)
        assert box.tolist() == [xs.min().item(), ys.min().item(), xs.max().item() + 1, ys.max().item() + 1]


def test_unet_trains_and_resumes(unet_run, dataset):
    run, summary = unet_run
    assert summary["steps"] == 2 and os.path.isfile(os.path.join(run, "checkpoint.pt"))
    s2 = main(["--model", "unet", "--data", dataset, "--out", run, "--config", "tiny", "--iters", "4", "--resume"])
    assert s2["steps"] == 4
    assert torch_load(os.path.join(run, "checkpoint.pt"))["state"]["step"] == 4


def test_maskrcnn_trains(maskrcnn_run):
    run, summary = maskrcnn_run
    assert summary["steps"] == 2 and summary["final_loss"] is not None
    state, meta = load_weights(os.path.join(run, "maskrcnn.vxw"))
    assert meta["classes"] == ["background", "vertebra", "C2", "S1"] and state


def test_weights_chunked_half_round_trip(tmp_path):
    model = UNet(8, 4)
    sd = model.state_dict()
    files = save_weights(sd, str(tmp_path / "u.vxw"), {"model": "unet"}, half=True, chunk_mb=0.2)
    assert len(files) > 1 and all(os.path.getsize(f) <= 0.2 * 1024 * 1024 for f in files)
    assert weight_files(str(tmp_path / "u.vxw")) == files
    back, meta = load_weights(files[1])
    assert meta == {"model": "unet"} and set(back) == set(sd)
    for k, v in sd.items():
        assert back[k].dtype == (torch.float32 if v.is_floating_point() else v.dtype)
        assert torch.allclose(back[k], v.float() if v.is_floating_point() else v, rtol=1e-3, atol=1e-3)
    single = save_weights(sd, str(tmp_path / "u.vxw"), {}, half=False)
    assert single == [str(tmp_path / "u.vxw")] and not any(os.path.exists(f) for f in files)
    assert all(torch.equal(load_weights(single[0])[0][k], v) for k, v in sd.items())


def test_gpu_driver_script_on_cpu(tmp_path, dataset):
    env = dict(os.environ, VERTXNET_CONFIG="tiny", VERTXNET_ITERS="2", PYTHON="/usr/bin/python3",
               VERTXNET_WORK=str(tmp_path / "work"))
    out = tmp_path / "out"
    r = subprocess.run([os.path.join(HERE, "..", "gpu_train.sh"), dataset, str(out), "1"], env=env,
                       capture_output=True, text=True, timeout=170)
    assert r.returncode == 0, r.stdout + r.stderr
    names = sorted(os.listdir(out))
    assert names == ["maskrcnn.log", "maskrcnn.vxw", "unet.log", "unet.vxw"]
    assert all(os.path.getsize(out / n) <= 15 * 1024 * 1024 for n in names)
    state, meta = load_weights(str(out / "maskrcnn.vxw"))
    assert meta["step"] == 2
    bad = subprocess.run([os.path.join(HERE, "..", "gpu_train.sh"), str(tmp_path / "missing"), str(out), "1"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0

    # fine-tuning: each model starts from the first run's weights, the Mask R-CNN onto another class set
    tuned = tmp_path / "tuned"
    env2 = dict(env, VERTXNET_WORK=str(tmp_path / "work2"), VERTXNET_INIT_UNET=str(out / "unet.vxw"),
                VERTXNET_INIT_MASKRCNN=str(out / "maskrcnn.vxw"), VERTXNET_CLASSES="landmarks",
                VERTXNET_LR_UNET="1e-4", VERTXNET_LR_MASKRCNN="5e-5", VERTXNET_WORKERS_MASKRCNN="1")
    r = subprocess.run([os.path.join(HERE, "..", "gpu_train.sh"), dataset, str(tuned), "1"], env=env2,
                       capture_output=True, text=True, timeout=170)
    assert r.returncode == 0, r.stdout + r.stderr
    for model in ("unet", "maskrcnn"):
        assert "initialised from %s" % (out / ("%s.vxw" % model)) in (tuned / ("%s.log" % model)).read_text()
    from vertxnet_train.levels import LANDMARK_CLASSES
    state, meta = load_weights(str(tuned / "maskrcnn.vxw"))
    assert meta["classes"] == list(LANDMARK_CLASSES)
    assert meta["config"]["lr"] == 5e-5 and meta["config"]["workers"] == 1


def test_remap_classes_keeps_old_rows_and_seeds_new_ones():
    from vertxnet_train.levels import LANDMARK_CLASSES, REFERENCE_CLASSES
    from vertxnet_train.train import remap_classes
    old = build_maskrcnn(len(REFERENCE_CLASSES), 128).state_dict()
    new_model = build_maskrcnn(len(LANDMARK_CLASSES), 128)
    mapped = remap_classes(old, new_model.state_dict(), old=REFERENCE_CLASSES, new=LANDMARK_CLASSES)
    new_model.load_state_dict(mapped)  # every shape fits
    w_old = old["roi_heads.box_predictor.cls_score.weight"]
    w_new = mapped["roi_heads.box_predictor.cls_score.weight"]
    assert w_new.shape[0] == len(LANDMARK_CLASSES)
    for name in REFERENCE_CLASSES:  # old classes keep their rows
        assert torch.equal(w_new[LANDMARK_CLASSES.index(name)], w_old[REFERENCE_CLASSES.index(name)])
    vert = REFERENCE_CLASSES.index("vertebra")
    for name in ("T1", "T12"):  # new classes start from 'vertebra', with a lower bias
        k = LANDMARK_CLASSES.index(name)
        assert torch.equal(w_new[k], w_old[vert])
        b_old = old["roi_heads.box_predictor.cls_score.bias"][vert]
        assert mapped["roi_heads.box_predictor.cls_score.bias"][k] < b_old
        box = mapped["roi_heads.box_predictor.bbox_pred.weight"]
        assert torch.equal(box[4 * k: 4 * k + 4], old["roi_heads.box_predictor.bbox_pred.weight"][4 * vert: 4 * vert + 4])


def test_landmark_classes_label_t1_and_t12(dataset):
    names = class_names("landmarks")
    assert names == ["background", "vertebra", "C2", "S1", "T1", "T12"]
    recs = load_records([dataset], 128)
    inst = InstanceDataset(recs, augment=False, seed=1, classes=names)
    seen = set()
    for i in range(len(recs)):
        _, t = inst[i]
        seen.update(names[int(c)] for c in t["labels"])
    levels = {x.level for r in recs for x in r.instances}
    for lm in ("C2", "S1", "T1", "T12"):
        assert (lm in seen) == (lm in levels)


def test_invert_share_inverts_the_content_and_keeps_the_padding(dataset):
    rec = load_records([dataset], 128)[0]
    plain = ForegroundDataset([rec], augment=True, seed=3)
    flipped = ForegroundDataset([rec], augment=True, seed=3, invert_share=1.0)
    img, inv = plain[0][0][0].int(), flipped[0][0][0].int()
    # the same warp, blur and tone draws, then 255 - v on the content; the letterbox stays black
    padding = (img == 0) & (inv == 0)
    assert bool(((inv == 255 - img) | padding).all())
    assert 0 < int(padding.sum()) < img.numel() // 2 and int(((inv == 255 - img) & (img > 0)).sum()) > img.numel() // 2
    # without the option no draw is made: samples replay as before it existed
    assert torch.equal(plain[0][0], ForegroundDataset([rec], augment=True, seed=3, invert_share=0.0)[0][0])
