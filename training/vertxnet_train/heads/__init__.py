"""The small heads that ship inside the U-Net's ONNX graph, each one more output read from the same
128² pool of the 512² analysis frame:

- view.py: cervical or lumbar (`view`);
- level.py: each body's level offset on a 32 x 32 grid (`level`);
- scope.py: a lateral spine film at all, or something else (`scope`);
- facing.py: which way the patient faces (`facing`);
- constants.py: what they share (input, classes, thresholds, manifest keys);
- common.py: the training loop, augmentation, command line, saving and loading they share.

Each runs as `python3 -m vertxnet_train.heads.<head> train|evaluate ...`; vertxnet_train.export
bundles them with the U-Net into one graph and writes the manifest.
"""
