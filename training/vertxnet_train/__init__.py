"""VertXNet training: COCO reader, U-Net and Mask R-CNN training, ONNX export, evaluation."""
__version__ = "0.1.0"
