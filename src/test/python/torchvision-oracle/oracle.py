"""torchvision's MobileNetV3-Large feature extractor as an independent reference for faceattr's.

Run by faceattr.model.TorchvisionOracle (test code) with the interpreter of a venv made from
requirements.txt beside this file. Three commands:

  oracle.py check
      imports torch and torchvision and prints their versions (the install's self-test).

  oracle.py run --inputs X.safetensors --out Y.safetensors [--threads N] W1.safetensors [W2 ...]
      for each weights file Wj (torchvision keys "features.<i>...", float32; BatchNorm's
      num_batches_tracked may be absent, classifier.* is ignored) builds
      mobilenet_v3_large(weights=None), loads the file into .features with strict=True, switches
      to eval() and runs every input tensor of X (float32, (N, 3, H, W)); writes the output for
      input "name" as "w<j>.name".

  oracle.py random --seed S --state-out W.safetensors --inputs X.safetensors --out Y.safetensors
                   [--threads N]
      builds mobilenet_v3_large(weights=None) under torch.manual_seed(S), randomises what
      torchvision initialises to constants (BatchNorm weight, bias, running mean and variance,
      the SE convolutions' biases; see randomise()) so that no tensor is an identity or zero and
      every layer's output depends on the input, writes the whole
      state dict (features.*, classifier.*, num_batches_tracked included) to W, and the eval()
      outputs of .features on the inputs of X to Y as "w0.name".

Outputs are float32; the metadata of Y names the torch and torchvision versions.
"""

import argparse
import sys
import types


def import_torchvision():
    """Imports torch and torchvision with torchvision's operator registrations stubbed out.

    The torchvision wheel may be built against another torch build than the one installed (here a
    CUDA torchvision with a CPU torch), in which case its compiled operators (nms, roi_align, ...)
    do not load and the modules that register meta and autograd kernels for them fail at import.
    MobileNetV3 uses none of those operators; its model code is pure Python on top of torch.nn.
    """
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
    import torch
    import torchvision
    from torchvision.models import mobilenet_v3_large

    return torch, torchvision, mobilenet_v3_large


def versions(torch, torchvision):
    return {"torch": torch.__version__, "torchvision": torchvision.__version__}


def load_inputs(path, torch):
    from safetensors.torch import load_file

    inputs = load_file(path)
    for name, x in inputs.items():
        if x.dtype != torch.float32 or x.dim() != 4 or x.shape[1] != 3:
            raise SystemExit(f"input {name!r} must be float32 (N, 3, H, W), got {x.dtype} {tuple(x.shape)}")
    return inputs


def run_features(features, inputs, torch, j, out):
    features.eval()
    with torch.inference_mode():
        for name, x in inputs.items():
            out[f"w{j}.{name}"] = features(x).contiguous()


def load_features(model, path, torch):
    """Loads a torchvision-layout file into model.features, strictly."""
    from safetensors.torch import load_file

    state = load_file(path)
    features_state = {}
    for key, value in state.items():
        if key.startswith("classifier."):
            continue  # the ImageNet head of a whole-model state dict
        if not key.startswith("features."):
            raise SystemExit(f"{path}: unexpected key {key!r} (only features.* and classifier.* keys are expected)")
        features_state[key[len("features."):]] = value
    own = model.features.state_dict()
    for key, value in own.items():
        # num_batches_tracked only matters for BatchNorm with momentum=None; a writer may omit it.
        if key.endswith("num_batches_tracked") and key not in features_state:
            features_state[key] = value
    for key, value in features_state.items():
        if key in own and value.dtype != own[key].dtype:
            raise SystemExit(f"{path}: features.{key} is {value.dtype}, torchvision's is {own[key].dtype}")
    # strict: every key of torchvision's features must be present, and no other key
    model.features.load_state_dict(features_state, strict=True)


def calibration_batch(inputs, torch):
    """The inputs of the largest size, in name order, as one batch (as TorchvisionParityIT's)."""
    largest = max(x.shape[2] * x.shape[3] for x in inputs.values())
    return torch.cat([inputs[k] for k in sorted(inputs) if inputs[k].shape[2] * inputs[k].shape[3] == largest])


def randomise(model, seed, calibration, torch):
    """Randomises what torchvision initialises to constants, keeping the signal alive.

    torchvision initialises BatchNorm to weight 1, bias 0, mean 0, variance 1 and the SE
    convolutions' biases to 0, so a mapping error among those would go unnoticed. Its conv init
    (Kaiming normal, fan_out) also shrinks activations by about the channel count at every
    depthwise convolution, so with unit variances the output would hardly depend on the input
    (or on the early layers). Hence: random BatchNorm affine parameters and SE biases; running
    statistics first measured on the calibration batch (the inputs themselves, train mode) so
    that each layer's output on them is of order 1 (large activations make float32 rounding
    alone exceed the comparison's tolerance), then perturbed per channel (mean shifted by
    0.3 standard deviations, variance scaled by 0.5 .. 2), so that no BatchNorm is an identity
    or a pure normalisation by the batch's statistics.
    """
    g = torch.Generator().manual_seed(seed + 1)
    bns = [m for m in model.features.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for m in model.features.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.copy_(0.2 * torch.randn(c, generator=g))
            elif isinstance(m, torch.nn.Conv2d) and m.bias is not None:
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
        saved = [b.momentum for b in bns]
        for b in bns:
            b.reset_running_stats()
            b.momentum = None  # cumulative average: after one batch, that batch's statistics
        model.features.train()
        model.features(calibration)
        model.features.eval()
        for b, momentum in zip(bns, saved):
            c = b.num_features
            b.momentum = momentum
            b.running_mean.add_(0.3 * b.running_var.sqrt() * torch.randn(c, generator=g))
            b.running_var.mul_(0.5 + 1.5 * torch.rand(c, generator=g))
            b.num_batches_tracked.fill_(int(torch.randint(1, 100000, (1,), generator=g)))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    r = sub.add_parser("run")
    r.add_argument("--inputs", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("weights", nargs="+")
    q = sub.add_parser("random")
    q.add_argument("--seed", type=int, required=True)
    q.add_argument("--state-out", required=True)
    q.add_argument("--inputs", required=True)
    q.add_argument("--out", required=True)
    q.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)

    torch, torchvision, mobilenet_v3_large = import_torchvision()
    from safetensors.torch import save_file

    if args.command == "check":
        model = mobilenet_v3_large(weights=None)
        n = len(model.features.state_dict())
        print(f"torch {torch.__version__} torchvision {torchvision.__version__} features keys {n}")
        return 0

    torch.set_num_threads(args.threads)
    inputs = load_inputs(args.inputs, torch)
    out = {}
    if args.command == "run":
        for j, path in enumerate(args.weights):
            model = mobilenet_v3_large(weights=None)
            load_features(model, path, torch)
            run_features(model.features, inputs, torch, j, out)
    else:
        torch.manual_seed(args.seed)
        model = mobilenet_v3_large(weights=None)
        randomise(model, args.seed, calibration_batch(inputs, torch), torch)
        state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
        save_file(state, args.state_out, metadata=versions(torch, torchvision))
        run_features(model.features, inputs, torch, 0, out)
    save_file(out, args.out, metadata=versions(torch, torchvision))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
