"""The fine-tune's data: the corrected films read and checked, and split into a train and a held-out
part by the sha256 of each file name (python3 -m vertxnet_train.finetune; see there)."""
import hashlib
import json
import os
import shutil


class Refused(Exception):
    """Input the command will not use: reported as one line, exit 2."""


# ---------------------------------------------------------------- data

def _annotation_file(path: str) -> str:
    for cand in ("annotations.json", "instances.json", "coco.json"):
        p = os.path.join(path, cand)
        if os.path.isfile(p):
            return p
    if os.path.isfile(path) and path.endswith(".json"):
        return path
    found = sorted(f for f in os.listdir(path) if f.endswith(".json")) if os.path.isdir(path) else []
    if os.path.isdir(os.path.join(path, "annotations")):
        found = [os.path.join("annotations", f) for f in sorted(os.listdir(os.path.join(path, "annotations")))
                 if f.endswith(".json")] + found
    if not found:
        raise Refused("%s holds no COCO annotations (annotations.json + images/ expected)" % path)
    return os.path.join(path, found[0])


def _image_path(root: str, file_name: str) -> str:
    for cand in (os.path.join(root, file_name), os.path.join(root, "images", file_name),
                 os.path.join(root, "images", os.path.basename(file_name))):
        if os.path.isfile(cand):
            return cand
    raise Refused("image %s of %s is missing" % (file_name, root))


def held_out_fraction(file_name: str) -> float:
    """Where a film falls in [0, 1): the first 32 bits of the sha256 of its base name."""
    digest = hashlib.sha256(os.path.basename(file_name).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) / float(1 << 32)


def split_names(names, share: float):
    """(train, held_out) lists of names: held out when held_out_fraction < share. With two or more
    names neither side is left empty (the lowest fraction is held out, the highest trained on)."""
    order = sorted(names, key=lambda n: (held_out_fraction(n), n))
    cut = sum(1 for n in order if held_out_fraction(n) < share)
    if len(order) >= 2:
        cut = min(max(cut, 1), len(order) - 1)
    return sorted(order[cut:]), sorted(order[:cut])


def read_sources(paths):
    """Every source folder's COCO document, checked: refuses what training must not or cannot use."""
    from .coco import refuse_held_out_style  # the rule every training entry point applies
    sources = []
    for path in paths:
        if not os.path.isdir(path):
            raise Refused("%s is not a folder" % path)
        if not os.listdir(path):
            raise Refused("%s is empty" % path)
        ann_file = _annotation_file(path)
        try:
            refuse_held_out_style([path])
        except ValueError as err:
            raise Refused(str(err))
        try:
            with open(ann_file, encoding="utf-8") as fh:
                coco = json.load(fh)
        except (OSError, ValueError) as err:
            raise Refused("%s is not a COCO file (%s)" % (ann_file, err))
        if not isinstance(coco, dict) or not coco.get("images"):
            raise Refused("%s lists no images" % ann_file)
        if not any(a.get("segmentation") for a in coco.get("annotations") or []):
            raise Refused("%s holds no annotated vertebra" % ann_file)
        sources.append((path, coco))
    return sources


def write_split(sources, share: float, work: str) -> dict:
    """OUT/finetune-data/train and OUT/finetune-data/heldout: COCO folders (annotations.json + images/, hard links where
    possible), categories merged by name, ids renumbered. Returns the counts and the folders."""
    entries = []  # (unique name, source index, image)
    taken = set()
    for si, (path, coco) in enumerate(sources):
        for img in coco["images"]:
            base = os.path.basename(img["file_name"])
            name = base if base not in taken else "s%d-%s" % (si, base)
            taken.add(name)
            entries.append((name, si, img))
    train, held = split_names([e[0] for e in entries], share)
    if not held or not train:
        raise Refused("%d film(s): at least 2 are needed for a train and a held-out part" % len(entries))
    side = {n: "train" for n in train}
    side.update({n: "heldout" for n in held})
    # Categories merged by name, keeping their ids where they agree: `vertxnet eval` rasterises the
    # ground truth by category id, which the phantom sets to the level's code.
    cats, cat_ids = [], {}
    for _, coco in sources:
        for c in coco.get("categories", []):
            if c.get("name") not in cat_ids:
                used = {k["id"] for k in cats}
                cid = c["id"] if c.get("id") not in used else max(used | {0}) + 1
                cat_ids[c.get("name")] = cid
                cats.append({**c, "id": cid})
    docs = {s: {"info": {"description": "vertxnet finetune %s split" % s}, "images": [], "annotations": [],
                "categories": cats, "ignore_regions": []} for s in ("train", "heldout")}
    for s in docs:
        shutil.rmtree(os.path.join(work, s), ignore_errors=True)
        os.makedirs(os.path.join(work, s, "images"))
    for name, si, img in entries:
        path, coco = sources[si]
        s = side[name]
        doc = docs[s]
        new_id = len(doc["images"]) + 1
        src = _image_path(path, img["file_name"])
        dst = os.path.join(work, s, "images", name)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)
        entry = {**img, "id": new_id, "file_name": "images/" + name}
        entry.pop("label_file", None)  # the phantom's label PNG is not carried over
        doc["images"].append(entry)
        names = {c["id"]: c.get("name") for c in coco.get("categories", [])}
        for a in coco.get("annotations") or []:
            if a.get("image_id") == img["id"]:
                doc["annotations"].append({**a, "id": len(doc["annotations"]) + 1, "image_id": new_id,
                                           "category_id": cat_ids.get(names.get(a.get("category_id")), 0)})
        for r in coco.get("ignore_regions") or []:
            if r.get("image_id") == img["id"]:
                doc["ignore_regions"].append({**r, "image_id": new_id})
    for s, doc in docs.items():
        with open(os.path.join(work, s, "annotations.json"), "w") as fh:
            json.dump(doc, fh)
    return {"train": os.path.join(work, "train"), "heldout": os.path.join(work, "heldout"),
            "trainImages": len(train), "heldOutImages": len(held)}


def read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def write_json(path: str, doc: dict) -> None:
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
