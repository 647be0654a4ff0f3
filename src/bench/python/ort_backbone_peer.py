"""Peer figure for the backbone benchmark: torchvision's bare mobilenet_v3_large().features under
ONNX Runtime (Python, CPU), to set our DJL backbone's img/s and GMAC/s beside.

Run (from the project root; the venv can live anywhere, pip uses the machine's index):

  python3 -m venv /tmp/ort-peer
  /tmp/ort-peer/bin/python -m pip install -r src/bench/python/requirements-ort-peer.txt
  /tmp/ort-peer/bin/python src/bench/python/ort_backbone_peer.py [--sizes 224 112] [--batch 32]
      [--threads 2] [--warmup 3] [--runs 20]

It exports the features (random weights, BatchNorm statistics of a random batch, eval mode,
batch and spatial dimensions dynamic) to ONNX with torch's TorchScript exporter (the newer
torch.export-based one needs onnxscript, which is not pinned), opens it with all graph
optimisations (ORT_ENABLE_ALL), the given intra-op threads and one inter-op thread, checks ONNX
Runtime's output against PyTorch's, runs a few warm-up batches and then N timed batches, and
prints the median batch time, images per second and the multiply-accumulates per second achieved. MACs per image are counted with forward hooks on
every convolution (out elements x in channels / groups x kernel area; activations, pooling and the
SE's scaling are not counted); at 224 the usual figure for these features is 214 MMAC, which is
printed beside the count. Not run by the tests.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
import warnings

STATED_MMAC_224 = 214.0


def import_torchvision():
    # The torchvision wheel may be built for another torch build (e.g. CUDA torchvision, CPU torch):
    # its compiled operators then do not load, and these two modules fail at import. MobileNetV3
    # needs neither (as in src/test/python/torchvision-oracle/oracle.py).
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))
    import torch
    import torchvision
    from torchvision.models import mobilenet_v3_large

    return torch, torchvision, mobilenet_v3_large


def count_macs(features, size, torch):
    """Multiply-accumulates of one image, by forward hooks on every Conv2d."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        kh, kw = module.kernel_size
        total += output[0].numel() * (module.in_channels // module.groups) * kh * kw

    handles = [m.register_forward_hook(hook) for m in features.modules() if isinstance(m, torch.nn.Conv2d)]
    try:
        with torch.inference_mode():
            features(torch.zeros(1, 3, size, size))
    finally:
        for h in handles:
            h.remove()
    return total


def calibrate(features, torch):
    """BatchNorm running statistics from one random batch, so that activations stay of order 1.

    With torchvision's init (Kaiming fan_out, BatchNorm mean 0 / variance 1) the activations
    shrink by orders of magnitude at each depthwise convolution, to about 1e-8 at the output;
    the speed hardly depends on it, but the numbers would be unlike any trained network's.
    """
    bns = [m for m in features.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for b in bns:
        b.reset_running_stats()
        b.momentum = None  # cumulative average: one batch's statistics
    features.train()
    with torch.no_grad():
        features(torch.randn(8, 3, 224, 224))
    features.eval()
    for b in bns:
        b.momentum = 0.01


def main(argv):
    p = argparse.ArgumentParser(description="ONNX Runtime peer figure for mobilenet_v3_large().features")
    p.add_argument("--sizes", type=int, nargs="+", default=[224, 112])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    torch, torchvision, mobilenet_v3_large = import_torchvision()
    import numpy as np
    import onnxruntime as ort

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    features = mobilenet_v3_large(weights=None).features
    calibrate(features, torch)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, onnxruntime {ort.__version__}, "
          f"cpu count {os.cpu_count()}; batch {args.batch}, intra-op threads {args.threads}, "
          f"ORT_ENABLE_ALL, {args.warmup} warm-up + {args.runs} timed runs")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mobilenet_v3_large_features.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the TorchScript exporter's notice
            torch.onnx.export(features, (torch.zeros(1, 3, max(args.sizes), max(args.sizes)),), path,
                              input_names=["input"], output_names=["features"],
                              dynamic_axes={"input": {0: "n", 2: "h", 3: "w"},
                                            "features": {0: "n", 2: "oh", 3: "ow"}},
                              opset_version=17, dynamo=False)
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    rng = np.random.default_rng(args.seed)
    for size in args.sizes:
        macs = count_macs(features, size, torch)
        x = rng.standard_normal((args.batch, 3, size, size), dtype=np.float32)
        with torch.inference_mode():
            want = features(torch.from_numpy(x[:2])).numpy()
        got = session.run(None, {"input": x[:2]})[0]
        diff = float(np.abs(got - want).max())
        for _ in range(args.warmup):
            session.run(None, {"input": x})
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            session.run(None, {"input": x})
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        ips = args.batch / median
        line = (f"input {size}: median {median * 1000:.1f} ms per batch of {args.batch} "
                f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}), {ips:.1f} img/s; "
                f"{macs / 1e6:.1f} MMAC/image counted -> {ips * macs / 1e9:.2f} GMAC/s")
        if size == 224:
            line += f"; with the stated {STATED_MMAC_224:.0f} MMAC: {ips * STATED_MMAC_224 / 1e3:.2f} GMAC/s"
        print(line + f"; ORT vs PyTorch max |diff| {diff:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
