#!/usr/bin/python3
"""Exports the small PyTorch test models of tests/models/torch as ONNX, with inputs and outputs.

    scripts/export-torch-models.py [--out DIR] [--check] [--list] [NAME...]

For each model NAME (default: all), writes DIR/NAME/ (DIR default tests/models/torch):
  model.onnx    torch.onnx.export of the model in eval mode, on the CPU, with fixed shapes
                and do_constant_folding=True, at the model's opset (13 unless stated)
  input_K.npy   the K-th graph input (float32, C order), in the order of the graph's inputs
  output_K.npy  PyTorch's K-th output for those inputs, computed in float32
and, when every model is exported, DIR/README.md: the table of the models, generated from
MODELS below (what each covers, its opset, input shapes, the ONNX op types it holds).

--check    export into a temporary folder and compare every file with DIR byte for byte;
           exit 1 if any differs (the files are reproducible: see "Reproducibility" below)
--list     print the model names and exit

Runs with Debian 12's python3-torch (1.13.1), python3-onnx (1.12) and python3-numpy (1.24):
`apt-get install python3-torch python3-onnx python3-numpy`; the shebang is Debian's python3,
which is the one those packages install into. CI uses the committed files and needs no torch.

Reproducibility: every model is built under torch.manual_seed(seed of its name), in one
thread, with deterministic algorithms, so weights, inputs and outputs are the same bits on
every run of the same torch build (checked with --check). Every output is also checked to
have a spread (standard deviation) between 0.05 and 50, so the checker's absolute tolerance
(scripts/check-torch-models.sh) is small against the values it guards.

Bad arguments: one line "export-torch-models.py: error: ..." on stderr, exit 2.
"""

import argparse
import filecmp
import io
import math
import os
import sys
import tempfile
import warnings
import zlib

PROG = "export-torch-models.py"

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    print(f"{PROG}: error: {e} (expected Debian's python3-torch, python3-onnx and "
          f"python3-numpy, under {sys.executable}: apt-get install python3-torch "
          "python3-onnx python3-numpy, and run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "models", "torch")


def die(message):
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- initialisation


def init_weights(model):
    """Kaiming-normal weights (ReLU gain) keep the activations' scale near 1 through depth,
    so outputs stay O(1) and the checker's atol is small against them; biases and every
    BatchNorm's weight, bias, running_mean and running_var are random and far from the
    identity, so a BatchNorm folded wrongly (or not at all) changes the output. The same
    holds for every LayerNorm's weight and bias, and for the packed Q, K, V projection of
    nn.MultiheadAttention. (Models without those modules draw exactly as before.)"""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.uniform_(m.bias, -0.2, 0.2)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            with torch.no_grad():
                m.weight.copy_(torch.empty(n).uniform_(0.5, 1.5))
                m.bias.copy_(torch.empty(n).uniform_(-0.5, 0.5))
                m.running_mean.copy_(torch.empty(n).uniform_(-0.5, 0.5))
                m.running_var.copy_(torch.empty(n).uniform_(0.5, 2.0))
        elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
            n = m.weight.numel()
            with torch.no_grad():
                m.weight.copy_(torch.empty(n).uniform_(0.5, 1.5).view_as(m.weight))
                m.bias.copy_(torch.empty(n).uniform_(-0.5, 0.5).view_as(m.bias))
        elif isinstance(m, nn.MultiheadAttention) and m.in_proj_weight is not None:
            # (its packed Q, K, V projection is a bare Parameter, not an nn.Linear; the
            # layers of an nn.TransformerEncoder are deep copies, equal until redrawn here)
            nn.init.kaiming_normal_(m.in_proj_weight, nonlinearity="relu")
            nn.init.uniform_(m.in_proj_bias, -0.2, 0.2)
    return model


# ---------------------------------------------------------------- the models


class Seq(nn.Sequential):
    """nn.Sequential (one name for the single-layer models: the ONNX node names follow it)."""


class LeNet5(nn.Module):
    """LeNet-5 as in LeCun et al. 1998 on 28x28 MNIST-sized inputs (pad 2 on the first conv,
    making the classic 32x32 field): stage 1 ReLU + max pool, stage 2 Tanh + average pool."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """ResNet's BasicBlock: conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut (identity, or a 1x1
    stride-s conv + BN when the shape changes), then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNetMini(nn.Module):
    """ResNet-18's shape at 1/8 of its width (8-16-32-64 channels, two BasicBlocks per
    stage): 7x7 stride-2 stem + BN + ReLU, 3x3 stride-2 max pool (pad 1), four stages
    (stride 2 from the second, with 1x1 conv + BN shortcuts), global average pool, fc."""

    def __init__(self, widths=(8, 16, 32, 64), blocks=(2, 2, 2, 2), classes=10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]),
            nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], widths[0]
        for stage, (cout, n) in enumerate(zip(widths, blocks)):
            for i in range(n):
                layers.append(BasicBlock(cin, cout, 2 if stage > 0 and i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes))

    def forward(self, x):
        return self.head(self.layers(self.stem(x)))


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand (t > 1) + BN + ReLU6, 3x3 depthwise (stride s) + BN +
    ReLU6, 1x1 linear projection + BN; a residual Add when stride 1 and cin == cout."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [conv_bn(cin, hidden, 1)] if expand != 1 else []
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden),
                   conv_bn(hidden, cout, 1, act=False)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2Mini(nn.Module):
    """MobileNetV2's structure at small width: 3x3 stride-2 stem, inverted residual blocks
    (t, c, n, s) as in the paper's table 2, a 1x1 conv to 96 channels, global average pool,
    dropout (gone in eval) and a Linear classifier."""

    SETTING = ((1, 8, 1, 1), (6, 12, 2, 2), (6, 16, 2, 2), (6, 24, 1, 1))

    def __init__(self, classes=10):
        super().__init__()
        layers, cin = [conv_bn(3, 16, 3, 2)], 16
        for t, c, n, s in self.SETTING:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(conv_bn(cin, 96, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(96, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class BnAfterAdd(nn.Module):
    """A BatchNorm that follows a residual Add, not a conv: it cannot be folded into one."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x) + x))


class Lambda(nn.Module):
    """A module around a function of its inputs and its own parameters (element-wise ops)."""

    def __init__(self, fn, **params):
        super().__init__()
        self.fn = fn
        for name, value in params.items():
            setattr(self, name, nn.Parameter(value))

    def forward(self, *xs):
        return self.fn(self, *xs)


class ReshapeView(nn.Module):
    """conv, then x.view(N, -1) (a Reshape, not a Flatten), then a Linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 8 * 8, 10)

    def forward(self, x):
        y = F.relu(self.conv(x))
        return self.fc(y.view(y.size(0), -1))


class SqueezeFc(nn.Module):
    """global average pool, squeeze of the two 1-dims, Linear, then unsqueeze(1)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 12, 3, padding=1)
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        y = F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1)
        return self.fc(y.squeeze(3).squeeze(2)).unsqueeze(1)


class ConcatChannels(nn.Module):
    """two convs of one input joined along the channels (6 + 5 = 11, not a multiple of 32)."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 6, 3, padding=1)
        self.b = nn.Conv2d(4, 5, 1)

    def forward(self, x):
        return torch.cat([F.relu(self.a(x)), self.b(x)], dim=1)


def split_heads(t, heads):
    """[B, S, H*D] -> [B, H, S, D]: a view to [B, S, H, D] (Reshape), then transpose(1, 2)."""
    b, s, c = t.shape
    return t.view(b, s, heads, c // heads).transpose(1, 2)


def merge_heads(t):
    """[B, H, S, D] -> [B, S, H*D]: transpose(1, 2), then a view (Reshape)."""
    b, h, s, d = t.shape
    return t.transpose(1, 2).reshape(b, s, h * d)


def causal_mask(seq):
    """The additive causal mask as nn.Transformer.generate_square_subsequent_mask makes it:
    0 on and below the diagonal, -inf above (a key after the query gets probability 0)."""
    return torch.triu(torch.full((seq, seq), float("-inf")), diagonal=1)


class CausalSelfAttention(nn.Module):
    """GPT-2's attention written out: one Linear to Q, K, V, split into heads, Q.K^T /
    sqrt(D) (a multiplication by 1 / sqrt(D), as nanoGPT writes it) plus the additive causal mask, softmax over the keys, P.V, heads merged, the
    output projection."""

    def __init__(self, d_model, heads, seq):
        super().__init__()
        self.heads, self.scale = heads, 1 / math.sqrt(d_model // heads)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.register_buffer("mask", causal_mask(seq))

    def forward(self, x):
        q, k, v = (split_heads(t, self.heads) for t in self.qkv(x).split(x.shape[2], dim=2))
        scores = q @ k.transpose(-2, -1) * self.scale + self.mask
        return self.proj(merge_heads(F.softmax(scores, dim=-1) @ v))


class Gpt2Block(nn.Module):
    """A GPT-2 decoder block (Radford et al. 2019): pre-LayerNorm causal self-attention and
    a 4x MLP with GELU, each in a residual branch: x + attn(ln1(x)), then y + mlp(ln2(y))."""

    def __init__(self, d_model, heads, seq, gelu):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, heads, seq)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(approximate=gelu),
                                 nn.Linear(4 * d_model, d_model))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class BertPoolerStack(nn.Module):
    """BERT's shape (Devlin et al. 2019) past the token lookup: learned position embeddings
    added and LayerNorm (BERT's embedding output), two post-LayerNorm encoder layers (GELU),
    then the pooler: the first token, Linear, Tanh. Outputs the sequence and the pooled."""

    def __init__(self, d_model, heads, ff, seq, layers):
        super().__init__()
        self.position = nn.Parameter(torch.randn(1, seq, d_model))
        self.ln = nn.LayerNorm(d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout=0.0, activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.pooler = nn.Linear(d_model, d_model)

    def forward(self, x):
        y = self.encoder(self.ln(x + self.position))
        return y, torch.tanh(self.pooler(y[:, 0]))


class SingleHeadAttention(nn.Module):
    """softmax(Q.K^T / sqrt(D)) . V on Q, K, V computed by three Linears (no mask, no heads)."""

    def __init__(self, d_model):
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(d_model, d_model) for _ in range(3))
        self.root_d = math.sqrt(d_model)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        return F.softmax(q @ k.transpose(1, 2) / self.root_d, dim=-1) @ v


class SelfAttention(nn.Module):
    """nn.MultiheadAttention as self-attention (query = key = value = x), batch_first."""

    def __init__(self, d_model, heads):
        super().__init__()
        self.mha = nn.MultiheadAttention(d_model, heads, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


class WhereMaskSoftmax(nn.Module):
    """The causal mask as the original GPT-2 code applies it: torch.where(keep, scores,
    -10000) with a constant boolean lower triangle, then softmax over the last axis."""

    def __init__(self, seq):
        super().__init__()
        self.register_buffer("keep", torch.tril(torch.ones(seq, seq, dtype=torch.bool)))
        self.register_buffer("masked", torch.tensor(-1e4))

    def forward(self, x):
        return F.softmax(torch.where(self.keep, x, self.masked), dim=-1)


def conv(*args, post=None, **kwargs):
    layers = [nn.Conv2d(*args, **kwargs)]
    if post is not None:
        layers.append(post)
    return Seq(*layers)


def randn(*shape):
    return torch.randn(*shape)


class Spec:
    """One exported model: how to build it, its inputs' shapes, its opset, what it covers.
    scale multiplies the inputs (the activations need values past their kinks);
    untrained keeps PyTorch's own initialisation (no init_weights);
    preserve exports with TrainingMode.PRESERVE (torch then keeps BatchNormalization after
    a Conv instead of folding it into the Conv's weights)."""

    def __init__(self, build, shapes, covers, opset=13, scale=1.0, preserve=False,
                 untrained=False):
        self.build, self.shapes, self.covers = build, shapes, covers
        self.opset, self.scale, self.preserve = opset, scale, preserve
        self.untrained = untrained


def act(module):
    return lambda: conv(3, 8, 3, padding=1, post=module)


GPT2_D = 96
GPT2_COVERS = (f"GPT-2 decoder block: pre-LayerNorm, causal self-attention (d_model {GPT2_D}, "
               "4 heads of 24 by hand: Linear to Q, K, V, Split, heads [B,S,H,D] -> [B,H,S,D], "
               "Q.K^T * (1 / sqrt D), + the -inf causal mask, Softmax, P.V, heads merged, Linear), "
               "residual Add, LayerNorm, MLP 4x, residual Add; ")

MODELS = {
    # networks
    "lenet5": Spec(LeNet5, [(2, 1, 28, 28)], "LeNet-5: conv 5x5 (pad 2, then pad 0), ReLU, "
                   "max pool 2, Tanh, average pool 2 (Pad + AveragePool), Flatten, 3 Linear", opset=11),
    "resnet_mini": Spec(ResNetMini, [(1, 3, 32, 32)], "ResNet-18 shape at 1/8 width "
                        "(8-16-32-64, 2 BasicBlocks per stage): 7x7/2 stem, max pool 3/2 pad 1, "
                        "stride-2 3x3 convs, 1x1/2 conv shortcuts, residual Add + ReLU, global "
                        "average pool, Flatten, fc; BN folded into the convs by torch"),
    "mobilenetv2_mini": Spec(MobileNetV2Mini, [(1, 3, 32, 32)], "MobileNetV2 blocks: 1x1 "
                             "expand, depthwise 3x3 stride 1 and 2 (8 to 96 channels), ReLU6 "
                             "(Clip), 1x1 project, residual Add; global average pool, Flatten, "
                             "Linear; BN folded by torch"),
    "mlp_gemm": Spec(lambda: nn.Sequential(nn.Linear(24, 32), nn.ReLU(), nn.Linear(32, 10)),
                     [(4, 24)], "Linear, ReLU, Linear on a 2-D input (runs before this issue)"),
    "matmul_two_io": Spec(lambda: Lambda(lambda m, a, b: (F.relu(a @ b), a @ m.w),
                                         w=randn(16, 12)),
                          [(4, 16), (16, 8)], "relu(x0 @ x1) and x0 @ W: two graph inputs "
                          "and two outputs (runs before this issue)"),
    "flatten_mlp": Spec(lambda: nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 32), nn.ReLU(),
                                              nn.Linear(32, 10)),
                        [(2, 3, 8, 8)], "Flatten of a 4-D input, then Linear, ReLU, Linear"),
    "reshape_view": Spec(ReshapeView, [(2, 3, 8, 8)],
                         "conv, ReLU, x.view(N, -1) (Reshape with a constant shape), Linear"),
    "squeeze_fc_op11": Spec(SqueezeFc, [(2, 3, 6, 6)], "GlobalAveragePool, Squeeze, Linear, "
                            "Unsqueeze (axes as attributes)", opset=11),
    "squeeze_fc_op13": Spec(SqueezeFc, [(2, 3, 6, 6)], "as squeeze_fc_op11 at opset 13 (axes "
                            "as an input)"),
    "concat_channels": Spec(ConcatChannels, [(1, 4, 10, 10)],
                            "Concat of two conv outputs along the channels (6 + 5)"),
    "concat_width": Spec(lambda: Lambda(lambda m, a, b: torch.cat([a, b], dim=3)),
                         [(1, 4, 6, 5), (1, 4, 6, 3)],
                         "Concat of two graph inputs along the last axis (two inputs)"),
    # single convs
    "conv_stride2": Spec(lambda: conv(3, 8, 3, stride=2, padding=1), [(2, 3, 16, 16)],
                         "Conv 3x3 stride 2 pad 1, batch 2"),
    "conv_pad1": Spec(lambda: conv(3, 8, 3, padding=1), [(1, 3, 16, 16)], "Conv 3x3 pad 1"),
    "conv_pad0_op11": Spec(lambda: conv(3, 8, 3), [(1, 3, 16, 16)],
                           "Conv 3x3 pad 0", opset=11),
    "conv_dilation2_op17": Spec(lambda: conv(4, 8, 3, padding=2, dilation=2), [(1, 4, 15, 15)],
                                "Conv 3x3 dilation 2 pad 2", opset=17),
    "conv_1x1": Spec(lambda: conv(16, 24, 1), [(1, 16, 8, 8)], "Conv 1x1 (16 to 24 channels)"),
    "conv_7x7": Spec(lambda: conv(3, 8, 7, padding=3), [(1, 3, 16, 16)], "Conv 7x7 pad 3"),
    "conv_3x5": Spec(lambda: conv(4, 8, (3, 5), padding=(1, 2)), [(1, 4, 20, 28)],
                     "Conv with a 3x5 kernel, pads (1, 2), on a 20x28 input"),
    "conv_rect_stride": Spec(lambda: conv(4, 8, (5, 3), stride=(2, 1), padding=(0, 1)),
                             [(2, 4, 17, 12)], "Conv 5x3, strides (2, 1), pads (0, 1), on an "
                             "odd 17x12 input, batch 2"),
    "conv_groups2_op17": Spec(lambda: conv(8, 16, 3, padding=1, groups=2), [(1, 8, 10, 10)],
                              "Conv group 2 (8 to 16 channels)", opset=17),
    "conv_depthwise": Spec(lambda: conv(16, 16, 3, padding=1, groups=16), [(1, 16, 10, 10)],
                           "depthwise Conv 3x3 (group = channels = 16)"),
    "conv_depthwise_stride2_op11": Spec(lambda: conv(40, 40, 3, stride=2, padding=1, groups=40),
                                        [(1, 40, 9, 9)], "depthwise Conv 3x3 stride 2 over 40 "
                                        "channels (more than one 32-wide tile)",
                                        opset=11),
    "conv_nobias": Spec(lambda: conv(3, 8, 3, padding=1, bias=False), [(1, 3, 12, 12)],
                        "Conv without bias (2 inputs)"),
    "conv_odd_channels": Spec(lambda: conv(5, 7, 3), [(1, 5, 9, 11)],
                              "Conv 5 to 7 channels (not multiples of 32), pad 0, 9x11 input"),
    "conv_wide": Spec(lambda: conv(40, 48, 3, padding=1), [(1, 40, 12, 12)],
                      "Conv 40 to 48 channels (K = 360 across 32-wide tiles)"),
    # pooling
    "maxpool_ceil_op11": Spec(lambda: nn.MaxPool2d(3, 2, ceil_mode=True), [(1, 4, 15, 16)],
                              "MaxPool 3/2 ceil_mode on 15x16", opset=11),
    "maxpool_pad": Spec(lambda: nn.MaxPool2d(3, 2, 1), [(1, 4, 16, 16)], "MaxPool 3/2 pad 1"),
    "avgpool_pad_include": Spec(lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=True),
                                [(1, 4, 15, 15)], "AvgPool 3/2 pad 1, count_include_pad"),
    "avgpool_pad_exclude_op17": Spec(lambda: nn.AvgPool2d(3, 2, 1, count_include_pad=False),
                                     [(1, 4, 15, 15)], "AvgPool 3/2 pad 1, count_include_pad "
                                     "False", opset=17),
    "avgpool_ceil": Spec(lambda: nn.AvgPool2d(3, 2, ceil_mode=True, count_include_pad=False),
                         [(1, 4, 16, 16)], "AvgPool 3/2 ceil_mode (a last window of 2 of 3 "
                         "rows and columns), count_include_pad False"),
    "avgpool_2x2": Spec(lambda: nn.AvgPool2d(2), [(1, 4, 10, 10)], "AvgPool2d(2) with the "
                        "default count_include_pad=True: torch emits Pad (all zeros) + "
                        "AveragePool"),
    "adaptive_avgpool2": Spec(lambda: nn.AdaptiveAvgPool2d(2), [(1, 4, 8, 8)],
                              "AdaptiveAvgPool2d(2) on 8x8: AveragePool 4/4 with no pads or "
                              "ceil_mode attributes (their defaults)"),
    "global_avgpool": Spec(lambda: nn.AdaptiveAvgPool2d(1), [(2, 8, 7, 9)],
                           "AdaptiveAvgPool2d(1): GlobalAveragePool", scale=4),
    "global_maxpool": Spec(lambda: nn.AdaptiveMaxPool2d(1), [(2, 8, 7, 9)],
                           "AdaptiveMaxPool2d(1): torch emits MaxPool with the kernel and "
                           "strides = the whole 7x9 input, not GlobalMaxPool"),
    "global_maxpool_amax": Spec(lambda: Lambda(lambda m, x: torch.amax(x, (2, 3), True)),
                                [(2, 8, 7, 9)], "torch.amax over H and W, keepdim: ReduceMax "
                                "(an op outside issue 13's list)"),
    # batch norm
    "conv_bn_relu": Spec(lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8),
                                               nn.ReLU()),
                         [(1, 3, 12, 12)], "Conv, BatchNormalization, ReLU exported with "
                         "TrainingMode.PRESERVE (eval): the BN stays a node after the Conv",
                         preserve=True),
    "conv_bn_relu_op17": Spec(lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1),
                                                    nn.BatchNorm2d(8), nn.ReLU()),
                              [(1, 3, 12, 12)], "as conv_bn_relu at opset 17 "
                              "(BatchNormalization-15, training_mode 0)", opset=17,
                              preserve=True),
    "basicblock_bn": Spec(lambda: BasicBlock(8, 16, 2), [(1, 8, 12, 12)], "one downsampling "
                          "BasicBlock exported with TrainingMode.PRESERVE: Conv, BN, ReLU; "
                          "Conv, BN; 1x1/2 Conv, BN; Add; ReLU (BN after every Conv)",
                          preserve=True),
    "bn_input_op17": Spec(lambda: nn.BatchNorm2d(6), [(1, 6, 10, 10)],
                          "BatchNorm2d directly on the graph input", opset=17),
    "bn_default_op14": Spec(lambda: nn.BatchNorm2d(6), [(1, 6, 10, 10)], "an untrained "
                            "BatchNorm2d on the input (weight = running_var = 1, bias = "
                            "running_mean = 0): torch stores the equal tensors once and adds "
                            "Identity nodes", opset=14, untrained=True),
    "bn_after_add": Spec(BnAfterAdd, [(1, 8, 12, 12)],
                         "BatchNorm2d after a residual Add (not foldable), then ReLU"),
    "bn1d_linear": Spec(lambda: nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(32), nn.ReLU(),
                                              nn.Linear(32, 10)),
                        [(4, 20)], "Linear, BatchNorm1d, ReLU, Linear on a 2-D input"),
    # activations on a conv output
    "act_relu6": Spec(act(nn.ReLU6()), [(1, 3, 12, 12)], "conv, ReLU6 (Clip 0..6)", scale=3),
    "act_leakyrelu": Spec(act(nn.LeakyReLU(0.1)), [(1, 3, 12, 12)],
                          "conv, LeakyReLU(0.1)"),
    "act_sigmoid": Spec(act(nn.Sigmoid()), [(1, 3, 12, 12)], "conv, Sigmoid", scale=2),
    "act_tanh": Spec(act(nn.Tanh()), [(1, 3, 12, 12)], "conv, Tanh", scale=2),
    "act_hardswish": Spec(act(nn.Hardswish()), [(1, 3, 12, 12)],
                          "conv, Hardswish: the HardSwish op (opset 14)", opset=14,
                          scale=3),
    "act_hardswish_op13": Spec(act(nn.Hardswish()), [(1, 3, 12, 12)], "conv, Hardswish "
                               "before opset 14: HardSigmoid(alpha 1/6) then Mul by its input",
                               scale=3),
    "act_hardsigmoid": Spec(act(nn.Hardsigmoid()), [(1, 3, 12, 12)],
                            "conv, Hardsigmoid (HardSigmoid alpha 1/6)", scale=3),
    # broadcasting
    "broadcast_add": Spec(lambda: Lambda(lambda m, x: m.b + x @ m.w, w=randn(16, 24),
                                         b=randn(24)),
                          [(4, 16)], "b + x @ W: Add with the bias [24] first"),
    "broadcast_add_row": Spec(lambda: Lambda(lambda m, x: m.b + x @ m.w, w=randn(16, 24),
                                             b=randn(1, 24)),
                              [(4, 16)], "b + x @ W with a row bias b[1,24] first (refused "
                              "before issue 13)"),
    "broadcast_mul": Spec(lambda: Lambda(lambda m, x: (m.s * x) * m.t, s=randn(8, 1, 1),
                                         t=randn(6)),
                          [(2, 8, 6, 6)], "s[8,1,1] * x, then (.) * t[6]: Mul broadcasting "
                          "the first operand, then the second"),
    "broadcast_sub": Spec(lambda: Lambda(lambda m, x: m.c - (x - m.b), b=randn(8, 1, 1),
                                         c=randn(1, 1, 6, 1)),
                          [(2, 8, 6, 6)], "x - b[8,1,1], then c[1,1,6,1] - (.): Sub "
                          "broadcasting the second operand, then the first"),
    "broadcast_scalar": Spec(lambda: Lambda(lambda m, x: 2.0 - x * 0.5 + 1.0),
                             [(2, 3, 4, 5)], "x * 0.5, 2 - (.), (.) + 1: scalar constants "
                             "on either side"),
    "broadcast_two_inputs": Spec(lambda: Lambda(lambda m, a, b: (a + b, a * b - b)),
                                 [(2, 1, 5, 1), (1, 3, 1, 4)], "a[2,1,5,1] + b[1,3,1,4] and "
                                 "a * b - b: both operands broadcast; two inputs, two outputs"),
    # transformers (issue 14): whole blocks at the sizes
    "encoder_layer": Spec(lambda: nn.TransformerEncoderLayer(128, 4, 256, dropout=0.0,
                                                             batch_first=True),
                          [(2, 64, 128)], "nn.TransformerEncoderLayer (d_model 128, 4 heads, "
                          "feed-forward 256, ReLU, dropout 0, post-LayerNorm, batch_first): "
                          "LayerNormalization ops (opset 17)", opset=17),
    "encoder_layer_op13": Spec(lambda: nn.TransformerEncoderLayer(128, 4, 256, dropout=0.0,
                                                                  batch_first=True),
                               [(2, 64, 128)], "as encoder_layer at opset 13: each LayerNorm "
                               "decomposed (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, "
                               "Mul, Add), as at opsets 14 to 16"),
    "gpt2_block_gelu_exact": Spec(lambda: Gpt2Block(GPT2_D, 4, 64, "none"), [(2, 64, GPT2_D)],
                                  GPT2_COVERS + "GELU exact (Erf)", opset=17),
    "gpt2_block_gelu_tanh": Spec(lambda: Gpt2Block(GPT2_D, 4, 64, "tanh"), [(2, 64, GPT2_D)],
                                 GPT2_COVERS + "GELU tanh approximation (Tanh; x^3 as two "
                                 "Muls, no Pow)", opset=17),
    "bert_pooler_stack": Spec(lambda: BertPoolerStack(64, 4, 256, 64, 2), [(2, 64, 64)],
                              "BERT-style: + position embeddings, LayerNorm, 2 post-LayerNorm "
                              "nn.TransformerEncoder layers (d_model 64, 4 heads of 16, "
                              "feed-forward 256, GELU), pooler (first token: Gather on a "
                              "computed tensor, Linear, Tanh); outputs the sequence and the "
                              "pooled vector; LayerNorms decomposed (opset 13)"),
    # transformers: the pieces, one at a time (rows of 80 = 2.5 column tiles of 32)
    "softmax_last_axis": Spec(lambda: nn.Softmax(dim=-1), [(2, 8, 80)],
                              "Softmax over the last axis (80 wide)", scale=3),
    "softmax_middle_axis": Spec(lambda: nn.Softmax(dim=1), [(2, 80, 8)],
                                "Softmax over axis 1 of 3 (not the last)", scale=3),
    "softmax_causal_mask": Spec(lambda: Lambda(lambda m, x: F.softmax(x + m.mask, dim=-1),
                                               mask=causal_mask(64)),
                                [(2, 64, 64)], "scores + the additive causal mask (a [64, 64] "
                                "initializer: 0 on and below the diagonal, -inf above), then "
                                "Softmax over the last axis", scale=2),
    "softmax_where_mask": Spec(lambda: WhereMaskSoftmax(64), [(2, 64, 64)], "the causal mask "
                               "as GPT-2's original code applies it: Where(constant BOOL "
                               "[64, 64] lower triangle, scores, -10000), then Softmax",
                               scale=2),
    "layernorm_last_axis": Spec(lambda: nn.LayerNorm(80), [(2, 8, 80)], "nn.LayerNorm(80): one "
                                "LayerNormalization op (axis -1, epsilon 1e-5)", opset=17,
                                scale=2),
    "layernorm_decomposed": Spec(lambda: nn.LayerNorm(80), [(2, 8, 80)], "nn.LayerNorm(80) "
                                 "before opset 17: ReduceMean, Sub, Pow 2, ReduceMean, Add "
                                 "epsilon, Sqrt, Div, Mul weight, Add bias", scale=2),
    "gelu_exact": Spec(lambda: nn.GELU(), [(2, 8, 80)],
                       "GELU exact: x * 0.5 * (1 + erf(x / sqrt 2)) (Div, Erf, Add, Mul)",
                       scale=2),
    "gelu_tanh": Spec(lambda: nn.GELU(approximate="tanh"), [(2, 8, 80)], "GELU tanh "
                      "approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))",
                      scale=2),
    "multihead_attention": Spec(lambda: SelfAttention(64, 4), [(2, 16, 64)],
                                "nn.MultiheadAttention(64, 4 heads, batch_first) as "
                                "self-attention: its packed in-projection sliced into Q, K, V "
                                "by a Shape, Gather, Add, Div, Mul chain on INT64 (constant with "
                                "fixed shapes) and Slice of a computed tensor, heads by Reshape "
                                "+ Transpose to [B*H, S, D], Gemm out-projection"),
    "attention_single_head": Spec(lambda: SingleHeadAttention(32), [(2, 64, 32)],
                                  "three Linears to Q, K, V; softmax(Q.K^T / sqrt 32) . V: "
                                  "MatMul of two computed 3-D tensors, Transpose of a computed "
                                  "tensor"),
    "transpose_heads": Spec(lambda: Lambda(lambda m, x: split_heads(x @ m.w, 4),
                                           w=randn(64, 64) / 8),
                            [(2, 16, 64)], "x @ W, then the head split [2, 16, 4, 16] -> "
                            "[2, 4, 16, 16]: Reshape and Transpose (perm 0, 2, 1, 3) of a "
                            "computed tensor"),
    "first_token_pooler": Spec(lambda: Lambda(lambda m, x: torch.tanh((x @ m.w)[:, 0] @ m.p),
                                              w=randn(64, 64) / 8, p=randn(64, 32) / 8),
                               [(2, 16, 64)], "x @ W, its first token ([:, 0]: Gather on a "
                               "computed tensor), @ P, Tanh"),
}


# ---------------------------------------------------------------- export


def seed_of(name):
    return zlib.crc32(name.encode())


def build(name):
    """The model in eval mode and its float32 inputs, made under the model's own seed."""
    spec = MODELS[name]
    torch.manual_seed(seed_of(name))
    model = spec.build()
    if not spec.untrained:
        init_weights(model)
    model.eval()
    inputs = tuple(torch.randn(*shape) * spec.scale for shape in spec.shapes)
    return model, inputs


def export(name, out_dir):
    """Writes out_dir/name/{model.onnx, input_K.npy, output_K.npy}; returns the op types."""
    spec = MODELS[name]
    model, inputs = build(name)
    # With gradients enabled, as torch.onnx.export traces the model: under no_grad an eval
    # nn.TransformerEncoderLayer takes its fused "fast path" (_transformer_encoder_layer_fwd),
    # which has no ONNX export and sums in another order than the graph that is exported.
    outputs = model(*inputs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    outputs = tuple(y.detach() for y in outputs)
    input_names = [f"x{k}" if len(inputs) > 1 else "x" for k in range(len(inputs))]
    output_names = [f"y{k}" if len(outputs) > 1 else "y" for k in range(len(outputs))]
    buf = io.BytesIO()
    training = (torch.onnx.TrainingMode.PRESERVE if spec.preserve
                else torch.onnx.TrainingMode.EVAL)
    with warnings.catch_warnings():
        # torch warns that constant folding may change learnable parameters under PRESERVE
        # of a model in training mode; ours are in eval mode, which PRESERVE exports as is.
        warnings.filterwarnings("ignore", "It is recommended that constant folding be turned off")
        torch.onnx.export(model, inputs, buf, opset_version=spec.opset,
                          do_constant_folding=True, training=training,
                          input_names=input_names, output_names=output_names)
    proto = onnx.load_from_string(buf.getvalue())
    check_model(name, proto, inputs, outputs)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
        f.write(buf.getvalue())
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for k, t in enumerate(tensors):
            np.save(os.path.join(folder, f"{kind}_{k}.npy"),
                    np.ascontiguousarray(t.numpy(), dtype="<f4"))
    return proto


def check_model(name, proto, inputs, outputs):
    """onnx.checker (with shape inference), then: the graph's inputs and outputs are the
    tensors written, in order and shape, and every output has a usable spread."""
    onnx.checker.check_model(proto, full_check=True)
    graph = proto.graph
    init = {t.name for t in graph.initializer}
    graph_inputs = [v for v in graph.input if v.name not in init]

    def dims(v):
        return tuple(d.dim_value for d in v.type.tensor_type.shape.dim)

    for kind, declared, tensors in (("input", graph_inputs, inputs),
                                    ("output", graph.output, outputs)):
        if [dims(v) for v in declared] != [tuple(t.shape) for t in tensors]:
            die(f"{name}: graph {kind}s {[dims(v) for v in declared]} are not the "
                f"{kind}s written {[tuple(t.shape) for t in tensors]}")
    for k, y in enumerate(outputs):
        spread = float(y.std())
        if not 0.05 <= spread <= 50:
            die(f"{name}: output {k} has standard deviation {spread:.3g} (expected 0.05 to 50: "
                "rescale the model so the checker's atol stays small against it)")


def op_types(proto):
    return sorted({n.op_type for n in proto.graph.node})


# ---------------------------------------------------------------- README


# (Debian 12's python3-torch 1.13.1+dfsg-4 reports itself as 1.13.0a0.)
DEBIAN_NOTE = {"1.13.0a0": " (Debian 12's python3-torch 1.13.1+dfsg-4)"}


def readme(protos):
    lines = [
        "# PyTorch test models",
        "",
        "Small networks and single layers exported from PyTorch by",
        "`scripts/export-torch-models.py`, each in a folder with `model.onnx`, its graph",
        "inputs as `input_K.npy` and PyTorch's outputs for them as `output_K.npy` (float32,",
        "K in the order of the graph's inputs and outputs). `scripts/check-torch-models.sh`",
        "runs each through `tilesim run --verify --expect` at several SRAM sizes.",
        "",
        "This file is generated by the exporter; edit the `MODELS` table there.",
        "",
        "Regenerate (Debian 12: `apt-get install python3-torch python3-onnx python3-numpy`):",
        "",
        "```sh",
        "scripts/export-torch-models.py [--out DIR] [NAME...]   # all models by default",
        "scripts/export-torch-models.py --check                 # reproducible?",
        "```",
        "",
        "The shebang is Debian's `/usr/bin/python3`, where those packages install; `python3",
        "scripts/export-torch-models.py ...` works as well when `python3` is that one.",
        f"Exported with torch {torch.__version__}{DEBIAN_NOTE.get(torch.__version__, '')} and "
        f"onnx {onnx.__version__}, eval mode, CPU,",
        "fixed shapes, `do_constant_folding=True`. Weights are Kaiming-normal, biases and every",
        "BatchNorm's weight, bias, running mean and variance, and every LayerNorm's weight and",
        "bias random (seeded by the model's name). The outputs are computed with gradients",
        "enabled, as the export traces the model (under `no_grad` an eval",
        "`nn.TransformerEncoderLayer` takes a fused fast path that has no ONNX export).",
        "In eval export torch folds a BatchNorm that directly follows a Conv into the",
        "Conv; `conv_bn_relu*` and `basicblock_bn` are exported with `TrainingMode.PRESERVE` to",
        "keep those nodes.",
        "",
        "Running the exporter twice gives byte-identical files, `model.onnx` included",
        "(`--check` compares a fresh export with the committed one).",
        "",
        "What torch 1.13 emits, beyond the obvious (the table's last column lists the op types):",
        "",
        "- `nn.Linear` is `Gemm` (transB=1, 1-D bias C); `x @ W` is `MatMul`; a Python scalar",
        "  is a 0-d `Constant` node, not an initializer.",
        "- A `BatchNorm2d` right after a `Conv2d` is folded into the Conv's weights and bias in",
        "  eval export (resnet_mini and mobilenetv2_mini hold no BatchNormalization). Any other",
        "  BatchNorm stays a `BatchNormalization` node with `epsilon` and `momentum` (and",
        "  `training_mode=0` from opset 14), with its four parameters as initializers. Equal",
        "  parameters (an untrained BN: weight = running_var = 1, bias = running_mean = 0)",
        "  are stored once, the other names made by `Identity` nodes (bn_default_op14).",
        "- `AvgPool2d` with `count_include_pad=True` (the default) is `Pad` (mode constant, no",
        "  value input: zeros; pads from an INT64 `Constant` [0, 0, top, left, 0, 0, bottom,",
        "  right], all zeros when padding=0) followed by `AveragePool` with pads 0, at every",
        "  opset from 11 to 17. With `count_include_pad=False` it is one `AveragePool` with",
        "  `pads` (count_include_pad absent: 0).",
        "- `AdaptiveAvgPool2d(1)` is `GlobalAveragePool`; `AdaptiveAvgPool2d(k)` an",
        "  `AveragePool` with kernel = strides = input / k and no pads or ceil_mode attributes;",
        "  `AdaptiveMaxPool2d(1)` a `MaxPool` with kernel = strides = the whole input (never",
        "  `GlobalMaxPool`); `torch.amax` a `ReduceMax`.",
        "- `ReLU6` is `Clip` with min and max from two 0-d `Constant` nodes (0 and 6).",
        "  `Hardswish` is `HardSwish` from opset 14, before it `HardSigmoid` (alpha 1/6) and",
        "  `Mul`; `Hardsigmoid` is `HardSigmoid` (alpha 1/6, beta 0.5 by default).",
        "- `x.view(N, -1)` is `Reshape` with the shape [N, -1] from an INT64 `Constant`;",
        "  `squeeze`/`unsqueeze` take `axes` as an attribute at opset 11 and from an INT64",
        "  `Constant` input from opset 13; `Dropout` disappears in eval export.",
        "",
        "Transformers (the models from `encoder_layer` on):",
        "",
        "- `nn.LayerNorm` is one `LayerNormalization` (axis -1, epsilon 1e-5) at opset 17; at",
        "  opsets 13 to 16 it is decomposed: ReduceMean (axes [-1]), Sub, Pow 2, ReduceMean,",
        "  Add epsilon, Sqrt, Div, Mul weight, Add bias (the same ops at 13, 14, 15 and 16).",
        "- GELU is never one op before opset 20: exact is Div by sqrt 2, Erf, Add 1, Mul by x,",
        "  Mul 0.5; `approximate='tanh'` is x * x * x as two Muls (no Pow), Mul 0.044715, Add,",
        "  Mul sqrt(2/pi), Tanh, Add 1, Mul by x, Mul 0.5. The same at every opset from 13 to 17.",
        "- `nn.Linear` on a 3-D input is MatMul by the transposed weight (an initializer) plus",
        "  an Add of the bias first; `nn.MultiheadAttention` (and so `nn.TransformerEncoderLayer`)",
        "  transposes a batch_first input to [S, B, E], slices its packed in-projection into Q,",
        "  K, V with `Slice` whose bounds come from a `Shape`, `Gather`, `Add`, `Div`, `Mul` chain",
        "  on INT64 (constant for fixed shapes; `Div` is integer division), makes the heads by",
        "  `Reshape` to [S, B*H, D] and `Transpose`, scales Q by a `Div`, and projects with `Gemm`",
        "  on [S*B, E]. The heads written by hand (`gpt2_*`) are `Split`, `Reshape` and",
        "  `Transpose` (perm 0, 2, 1, 3; K^T as perm 0, 2, 3, 1), 4-D `MatMul`s.",
        "- The additive causal mask is a [S, S] float initializer with -inf above the diagonal;",
        "  the original GPT-2 form is a `Where` on a constant BOOL initializer.",
        "- `x[:, 0]` of a computed tensor is `Gather` (axis 1, a 0-d INT64 index): the rank drops.",
        "",
        "| model | covers | opset | inputs | ONNX ops |",
        "|---|---|---|---|---|",
    ]
    for name, spec in MODELS.items():
        shapes = ", ".join("x".join(map(str, s)) for s in spec.shapes)
        ops = ", ".join(op_types(protos[name]))
        lines.append(f"| `{name}` | {spec.covers} | {spec.opset} | {shapes} | {ops} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def export_all(names, out_dir):
    protos = {}
    for name in names:
        protos[name] = export(name, out_dir)
        print(f"{name}: {', '.join(op_types(protos[name]))}")
    if len(names) == len(MODELS):
        with open(os.path.join(out_dir, "README.md"), "w") as f:
            f.write(readme(protos))


def check_reproducible(names, out_dir):
    """Exports into a temporary folder and compares every file with out_dir's."""
    with tempfile.TemporaryDirectory() as tmp:
        export_all(names, tmp)
        differ = []
        for dirpath, _, files in os.walk(tmp):
            for f in sorted(files):
                new = os.path.join(dirpath, f)
                old = os.path.join(out_dir, os.path.relpath(new, tmp))
                if not os.path.isfile(old) or not filecmp.cmp(new, old, shallow=False):
                    differ.append(os.path.relpath(new, tmp))
    for f in differ:
        print(f"differs: {f}")
    print(f"{len(differ)} files differ from {out_dir}")
    return 1 if differ else 0


class Parser(argparse.ArgumentParser):
    def error(self, message):
        die(f"{message} (see --help)")


def main():
    parser = Parser(prog=PROG, description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="compare a fresh export with --out byte for byte")
    parser.add_argument("--list", action="store_true", help="print the model names")
    parser.add_argument("names", nargs="*", metavar="NAME")
    args = parser.parse_args()
    if args.list:
        print("\n".join(MODELS))
        return 0
    unknown = [n for n in args.names if n not in MODELS]
    if unknown:
        die(f"unknown model '{unknown[0]}' (see --list)")
    names = list(dict.fromkeys(args.names)) or list(MODELS)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if args.check:
        return check_reproducible(names, args.out)
    os.makedirs(args.out, exist_ok=True)
    export_all(names, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
