#!/usr/bin/env node
// Test oracle: runs face-api's pretrained age/gender and expression networks
// with TensorFlow.js on the pure-JS `cpu` backend and writes the raw outputs
// as JSON, so that the Java reimplementation can be compared against them.
//
//   node oracle.mjs MODEL_DIR INPUT_BIN N OUT_JSON
//
// MODEL_DIR  folder holding age_gender_model-weights_manifest.json,
//            age_gender_model.bin, face_expression_model-weights_manifest.json
//            and face_expression_model.bin (face-api's own model files).
// INPUT_BIN  N x 112 x 112 x 3 float32 little-endian values, NHWC, RGB, raw
//            pixel values 0..255 (face-api normalises them itself).
// OUT_JSON   written as
//            {"age":[N], "gender":[N][2] (index 0 = male),
//             "expression":[N][7] (neutral, happy, sad, angry, fearful,
//             disgusted, surprised), "tfjs":"4.22.0", "backend":"cpu",
//             "faceapi":"1.7.15"}
//            Values are float32 results widened to doubles, printed exactly.
//
// Exit status: 0 on success, 2 on bad usage, 1 on any other error (message on
// stderr).  stdout is not used for data; tfjs may print a banner on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const SIZE = 112; // face-api's input size for both nets
const CHANNELS = 3;
const MODEL_FILES = [
  'age_gender_model-weights_manifest.json',
  'age_gender_model.bin',
  'face_expression_model-weights_manifest.json',
  'face_expression_model.bin',
];

class UsageError extends Error {}

function parseArgs(argv) {
  if (argv.length !== 4) {
    throw new UsageError(`expected 4 arguments, got ${argv.length}`);
  }
  const [modelDir, inputBin, nText, outJson] = argv;
  if (!/^[1-9][0-9]*$/.test(nText)) throw new UsageError(`N must be a positive integer, got '${nText}'`);
  return { modelDir: path.resolve(modelDir), inputBin, n: Number(nText), outJson };
}

// Reads N*112*112*3 little-endian float32 values.  DataView keeps this
// independent of host byte order and of the Buffer's alignment.
function readInput(file, n) {
  const buf = fs.readFileSync(file);
  const count = n * SIZE * SIZE * CHANNELS;
  if (buf.length !== count * 4) {
    throw new Error(`${file}: expected ${count * 4} bytes (${n} x ${SIZE} x ${SIZE} x ${CHANNELS} float32), got ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  return data;
}

// Tensor of shape [n, k] -> n arrays of k JS numbers; rejects NaN/Infinity,
// which JSON cannot carry.
async function toRows(tensor, name) {
  const [n, k] = tensor.shape;
  const flat = await tensor.data();
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(flat.subarray(i * k, (i + 1) * k)));
  if (!rows.every((r) => r.every(Number.isFinite))) throw new Error(`non-finite value in ${name} output`);
  return rows;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  for (const f of MODEL_FILES) {
    const p = path.join(opt.modelDir, f);
    if (!fs.statSync(p, { throwIfNoEntry: false })?.isFile()) throw new Error(`missing model file ${p}`);
  }
  const input = readInput(opt.inputBin, opt.n);

  // face-api's Node build without native code.  It requires @tensorflow/tfjs
  // (which registers the cpu backend) and @tensorflow/tfjs-backend-wasm; the
  // wasm backend is registered but never initialised here.
  const require = createRequire(import.meta.url);
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const { tf } = faceapi;

  if (!(await tf.setBackend('cpu')) || tf.getBackend() !== 'cpu') {
    throw new Error(`could not select the tfjs cpu backend (got ${tf.getBackend()})`);
  }
  await tf.ready();

  // face-api's own loader: NeuralNetwork.loadFromDisk reads the manifest and
  // the .bin shards with fs, decodes them with tf.io.weightsLoaderFactory and
  // hands the weight map to loadFromWeightMap (the same code face-api's
  // nets.*.loadFromDisk runs).
  const ageGenderNet = new faceapi.AgeGenderNet();
  const expressionNet = new faceapi.FaceExpressionNet();
  await ageGenderNet.loadFromDisk(opt.modelDir);
  await expressionNet.loadFromDisk(opt.modelDir);

  // face-api takes a batch as an array of per-face [h, w, 3] tensors (a 4-D
  // tensor is only accepted with batch size 1).  net.forward() runs
  // toNetInput() -> forwardInput(): NetInput.toBatchTensor(112) (no padding or
  // resizing at 112x112), the mean-RGB subtraction and /255, the network, and
  // the softmax -- exactly what predictAgeAndGender / predictExpressions do
  // before they read the tensors out.
  const batch = tf.tensor4d(input, [opt.n, SIZE, SIZE, CHANNELS], 'float32');
  const faces = tf.unstack(batch);

  const { age, gender } = await ageGenderNet.forward(faces);
  const expression = await expressionNet.forward(faces);

  const result = {
    age: (await toRows(age.reshape([opt.n, 1]), 'age')).map((r) => r[0]),
    gender: await toRows(gender, 'gender'),
    expression: await toRows(expression, 'expression'),
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    faceapi: faceapi.version,
  };
  if (result.gender.some((r) => r.length !== 2) || result.expression.some((r) => r.length !== 7)) {
    throw new Error('unexpected output shape');
  }
  fs.writeFileSync(opt.outJson, `${JSON.stringify(result)}\n`);
}

main().catch((e) => {
  if (e instanceof UsageError) {
    process.stderr.write(`oracle: ${e.message}\nusage: node oracle.mjs MODEL_DIR INPUT_BIN N OUT_JSON\n`);
    process.exit(2);
  }
  process.stderr.write(`oracle: error: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
