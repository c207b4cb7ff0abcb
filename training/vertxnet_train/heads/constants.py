"""What the small heads share: their input, their classes, their thresholds and their manifest keys.

Every head reads the U-Net's analysis frame (SIZE² letterbox, normalised with MEAN and STD) average
pooled by POOL, and ships inside the U-Net's ONNX graph as one more output named by its kind.
"""
# ---------------------------------------------------------------- input
SIZE = 512  # the U-Net's analysis frame the heads read
MEAN, STD = 0.5, 0.25  # its normalisation: (pixel / 255 - MEAN) / STD
POOL = 4  # the heads read the frame average-pooled 4x ...
POOLED = SIZE // POOL  # ... to 128²

# ---------------------------------------------------------------- classes, in each output's channel order
VIEWS = ["cervical", "lumbar"]
SCOPE_CLASSES = ["lateral", "other"]
SIDES = ["left", "right"]  # facing
# Level offsets: position along the view's levels from its first labelled level (C2 / T12 = 0).
RELATIVE_LEVELS = list(range(-3, 10))

# ---------------------------------------------------------------- thresholds
SURE = 0.9  # fusion's viewThreshold and scopeThreshold: where a head's answer is trusted
EVEN = 0.5  # a two-class head's plain argmax; the scope threshold recorded unless told otherwise
SCOPE_SWEEP = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)  # `scope evaluate --sweep`

# ---------------------------------------------------------------- training
SEED = 1234
BATCH = 32
LR = 2e-3  # view, scope, facing; the level head trains at 3e-3
INFER_BATCH = 256  # films per forward pass when evaluating

# ---------------------------------------------------------------- weights files and the manifest
# A head's kind: the `model` its weights file records, its ONNX output's name and its file in the
# model folder (<kind>.vxw).
VIEW, LEVEL, SCOPE, FACING = "view", "level", "scope", "facing"
# The manifest key that names each head's channels.
CLASSES_KEY = {VIEW: "viewClasses", LEVEL: "levelOffsets", SCOPE: "scopeClasses", FACING: "facingClasses"}
MIRROR_KEY = "testTimeMirror"
# Meta a head's weights record that the manifest's training.<kind> leaves out (history, and what it
# holds elsewhere); the level head's offsets are in levelOffsets.
META_LEFT_OUT = ("history", "model", "metrics")
META_LEFT_OUT_BY_KIND = {LEVEL: ("relativeLevels",)}
