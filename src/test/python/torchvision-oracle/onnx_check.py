"""Checks an ONNX file written by faceattr against the ONNX specification and runs it on ONNX
Runtime for Python: an independent reader of what faceattr writes.

Run by faceattr.model.TorchvisionOracle.onnx (test code) with the oracle venv's interpreter:

  onnx_check.py --model M.onnx --inputs X.safetensors --out Y.safetensors [--threads N]
      onnx.checker.check_model(full_check=True) on M (shape inference included), then for every
      float32 tensor "name" of X one run of M (its only input), writing output "o" as "name.o"
      (float32) to Y; Y's metadata holds the output names in the model's order ("outputs", since
      safetensors sorts tensors by name), M's metadata_props as "meta.<key>", and the checker's
      and the runtime's versions.
"""
import argparse
import sys

import numpy as np
import onnx
import onnxruntime as ort
from safetensors.numpy import load_file, save_file


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)

    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    if len(session.get_inputs()) != 1:
        raise SystemExit(f"expected one input, found {[i.name for i in session.get_inputs()]}")
    name_in = session.get_inputs()[0].name
    names_out = [o.name for o in session.get_outputs()]
    out = {}
    for name, x in load_file(args.inputs).items():
        for o, y in zip(names_out, session.run(None, {name_in: x.astype(np.float32)})):
            out[f"{name}.{o}"] = np.ascontiguousarray(y, dtype=np.float32)
    meta = {f"meta.{p.key}": p.value for p in model.metadata_props}
    meta.update({"outputs": ",".join(names_out), "onnx": onnx.__version__, "onnxruntime": ort.__version__, "ir_version": str(model.ir_version),
                 "opset": str(model.opset_import[0].version)})
    save_file(out, args.out, metadata=meta)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
