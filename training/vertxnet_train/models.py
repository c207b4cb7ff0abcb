"""U-Net (foreground) and a trimmed ResNet-18 FPN Mask R-CNN (instances), 1-channel input."""
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops import MultiScaleRoIAlign

try:  # moved between torchvision versions
    from torchvision.models.detection.anchor_utils import AnchorGenerator
except ImportError:  # pragma: no cover
    from torchvision.models.detection.rpn import AnchorGenerator


# ---------------------------------------------------------------- U-Net

def _double_conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    """Classic U-Net: `depth` poolings, channels base * 2^i; one logit out (sigmoid at export)."""

    def __init__(self, base: int = 16, depth: int = 4, in_channels: int = 1):
        super().__init__()
        chans = [base * (2 ** i) for i in range(depth + 1)]
        self.downs = nn.ModuleList([_double_conv(in_channels, chans[0])] +
                                   [_double_conv(chans[i], chans[i + 1]) for i in range(depth)])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(chans[i + 1], chans[i], 2, stride=2) for i in reversed(range(depth))])
        self.dec = nn.ModuleList([_double_conv(chans[i] * 2, chans[i]) for i in reversed(range(depth))])
        self.head = nn.Conv2d(chans[0], 1, 1)
        self.apply_sigmoid = False

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.downs):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        skips.pop()
        for up, dec in zip(self.ups, self.dec):
            x = dec(torch.cat([up(x), skips.pop()], dim=1))
        x = self.head(x)
        return torch.sigmoid(x) if self.apply_sigmoid else x


class UNetExport(nn.Module):
    """Wraps a trained U-Net so the ONNX graph outputs a probability."""

    def __init__(self, unet: UNet):
        super().__init__()
        self.unet = unet

    def forward(self, image):
        return torch.sigmoid(self.unet(image))


def dice_bce_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    logits = logits.float()
    bce = F.binary_cross_entropy_with_logits(logits, target)
    p = torch.sigmoid(logits)
    dims = (1, 2, 3)
    inter = (p * target).sum(dims)
    dice = 1 - (2 * inter + 1) / (p.sum(dims) + target.sum(dims) + 1)
    return bce + dice.mean()


# ---------------------------------------------------------------- Mask R-CNN

def resnet18_fpn(fpn_channels: int = 128, trunk_layers: int = 3) -> BackboneWithFPN:
    """ResNet-18 trunk (plain BatchNorm, 1-channel stem) with an FPN.

    trunk_layers=3 stops after layer3 (stride 16; the FPN adds a max-pooled stride-32 level):
    vertebrae at S=512 are 16-128 px, and dropping layer4 (8.4M parameters) keeps the fp32 ONNX
    well under 50 MB. trunk_layers=4 keeps the full ResNet-18.
    """
    trunk = torchvision.models.resnet18(weights=None, norm_layer=nn.BatchNorm2d)
    trunk.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    names = ["layer1", "layer2", "layer3", "layer4"][:trunk_layers]
    widths = [64, 128, 256, 512][:trunk_layers]
    if trunk_layers < 4:
        trunk.layer4 = nn.Identity()
    return BackboneWithFPN(trunk, {n: str(i) for i, n in enumerate(names)}, widths, fpn_channels)


def build_maskrcnn(num_classes: int, size: int = 512, *, fpn_channels: int = 128, trunk_layers: int = 3,
                   box_head: int = 512, mask_convs: int = 2, detections: int = 30) -> MaskRCNN:
    backbone = resnet18_fpn(fpn_channels, trunk_layers)
    levels = [str(i) for i in range(trunk_layers)]
    n_maps = trunk_layers + 1  # + the FPN's max-pooled level
    sizes_all = [16, 32, 64, 128, 256]
    k = size / 512.0
    anchor_sizes = tuple((max(8, int(round(s * k))),) for s in sizes_all[:n_maps])
    anchors = AnchorGenerator(sizes=anchor_sizes, aspect_ratios=((0.5, 1.0, 2.0),) * n_maps)
    model = MaskRCNN(
        backbone,
        num_classes=None,
        min_size=size,
        max_size=size,
        image_mean=[0.0],
        image_std=[1.0],
        rpn_anchor_generator=anchors,
        box_roi_pool=MultiScaleRoIAlign(featmap_names=levels, output_size=7, sampling_ratio=2),
        box_head=TwoMLPHead(fpn_channels * 7 * 7, box_head),
        box_predictor=FastRCNNPredictor(box_head, num_classes),
        box_detections_per_img=detections,
        mask_roi_pool=MultiScaleRoIAlign(featmap_names=levels, output_size=14, sampling_ratio=2),
        mask_head=MaskRCNNHeads(fpn_channels, tuple([fpn_channels] * mask_convs), 1),
        mask_predictor=MaskRCNNPredictor(fpn_channels, fpn_channels, num_classes),
    )
    return model


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def build_model(kind: str, cfg: dict, classes: List[str]) -> nn.Module:
    if kind == "unet":
        return UNet(base=cfg["unet_base"], depth=cfg["unet_depth"])
    if kind == "maskrcnn":
        return build_maskrcnn(len(classes), cfg["size"], fpn_channels=cfg["fpn_channels"], trunk_layers=cfg["trunk_layers"],
                              box_head=cfg["box_head"], mask_convs=cfg["mask_convs"], detections=cfg["detections"])
    raise ValueError("model must be 'unet' or 'maskrcnn', got %r" % kind)
