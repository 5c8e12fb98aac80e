#!/usr/bin/env node
// Runs each ORIGINAL model with its original runtime on a fixed input and stores the outputs,
// so the converted ONNX files can be checked against them from C++ (src/infer tests).
//
//   tfjs graph models -> @tensorflow/tfjs (pure-JavaScript CPU backend, no native tfjs-node)
//   ONNX models       -> onnxruntime-web (WebAssembly CPU), run on the UNREPAIRED file
//   face-api nets     -> face-api's own compiled code (dist/face-api.node-wasm.js of the pinned
//                        package) on @tensorflow/tfjs's CPU backend; only FaceRecognitionNet
//                        (dlib ResNet, weights-only model whose architecture is in face-api's code)
//
// Usage: node reference.js JOBS.json
// JOBS.json: [{"id", "kind": "tfjs"|"onnx"|"faceapi-recognition", "model", "input", "input_shape" (NCHW), "input_name",
//              "outputs": [names], "out"}]. The input file is float32 little-endian NCHW; tfjs gets
// it transposed to NHWC. Writes <out> (outputs' float32 data, concatenated in the given order)
// and <out>.json (shapes, runtime versions).
'use strict';
const fs = require('fs');
const path = require('path');

function readFloat32(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function writeOutputs(job, arrays, shapes, runtime) {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(total);
  let off = 0;
  for (const a of arrays) { all.set(a, off); off += a.length; }
  fs.writeFileSync(job.out, Buffer.from(all.buffer));
  const meta = { id: job.id, runtime, outputs: job.outputs.map((name, i) => ({ name, shape: shapes[i] })) };
  fs.writeFileSync(job.out + '.json', JSON.stringify(meta, null, 1) + '\n');
}

async function runTfjs(tf, job) {
  const dir = path.dirname(job.model);
  const mj = JSON.parse(fs.readFileSync(job.model, 'utf8'));
  const specs = [];
  const parts = [];
  for (const g of mj.weightsManifest) {
    specs.push(...g.weights);
    for (const p of g.paths) parts.push(fs.readFileSync(path.join(dir, p)));
  }
  const data = Buffer.concat(parts);
  const handler = {
    load: async () => ({
      modelTopology: mj.modelTopology, format: mj.format, generatedBy: mj.generatedBy,
      convertedBy: mj.convertedBy, signature: mj.signature, userDefinedMetadata: mj.userDefinedMetadata,
      weightSpecs: specs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  };
  const model = await tf.loadGraphModel(handler);
  const x = tf.tidy(() => tf.transpose(tf.tensor(readFloat32(job.input), job.input_shape, 'float32'), [0, 2, 3, 1]));
  let outs = model.execute(x, job.outputs);
  if (!Array.isArray(outs)) outs = [outs];
  writeOutputs(job, outs.map(o => o.dataSync()), outs.map(o => o.shape),
               `@tensorflow/tfjs ${tf.version.tfjs} (${tf.getBackend()} backend)`);
  tf.dispose([x, ...outs]);
  model.dispose();
}

async function runOnnx(ort, job) {
  const session = await ort.InferenceSession.create(fs.readFileSync(job.model), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'disabled',
  });
  const feeds = { [job.input_name]: new ort.Tensor('float32', readFloat32(job.input), job.input_shape) };
  const res = await session.run(feeds);
  writeOutputs(job, job.outputs.map(n => res[n].data), job.outputs.map(n => res[n].dims.map(Number)),
               `onnxruntime-web ${(ort.env.versions && ort.env.versions.web) || '?'} (wasm, optimizations off)`);
  await session.release();
}

// face-api's node-wasm bundle re-exports @tensorflow/tfjs-backend-wasm next to @tensorflow/tfjs;
// that package is not installed (the CPU backend is the reference), so it resolves to an empty
// module. Only this one request name is redirected.
function allowMissingWasmBackend() {
  const Module = require('module');
  const key = 'ekyc-reference:tfjs-backend-wasm-absent';
  if (require.cache[key]) return;
  const m = new Module(key);
  m.loaded = true;
  m.exports = {};
  require.cache[key] = m;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === '@tensorflow/tfjs-backend-wasm') return key;
    return resolve.call(this, request, ...rest);
  };
}

// job.model = face_recognition_model-weights_manifest.json; job.faceapi = the package directory.
// Input: NCHW float32 RGB 0..255 (150x150), given to face-api as an HWC tensor, exactly what
// FaceRecognitionNet.computeFaceDescriptor receives after cropping a face.
async function runFaceApiRecognition(tf, job) {
  allowMissingWasmBackend();
  const faceapi = require(path.join(job.faceapi, 'dist', 'face-api.node-wasm.js'));
  await faceapi.tf.setBackend('cpu');
  await faceapi.tf.ready();
  const ftf = faceapi.tf;
  const dir = path.dirname(job.model);
  const manifest = JSON.parse(fs.readFileSync(job.model, 'utf8'));
  const specs = [];
  const parts = [];
  for (const g of manifest) {
    specs.push(...g.weights);
    for (const p of g.paths) parts.push(fs.readFileSync(path.join(dir, p)));
  }
  const data = Buffer.concat(parts);
  const weightMap = ftf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(weightMap);
  const [, c, h, w] = job.input_shape;
  const x = ftf.tidy(() => ftf.transpose(ftf.tensor(readFloat32(job.input), [c, h, w], 'float32'), [1, 2, 0]));
  const desc = await net.computeFaceDescriptor(x);
  writeOutputs(job, [desc], [[1, desc.length]],
               `face-api ${faceapi.version} FaceRecognitionNet on @tensorflow/tfjs ${ftf.version_core} (${ftf.getBackend()} backend)`);
  ftf.dispose(x);
  net.dispose();
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let tf = null;
  let ort = null;
  for (const job of jobs) {
    const t0 = Date.now();
    if (job.kind === 'tfjs') {
      if (!tf) {
        tf = require('@tensorflow/tfjs');
        await tf.setBackend('cpu');
      }
      await runTfjs(tf, job);
    } else if (job.kind === 'onnx') {
      if (!ort) {
        ort = require('onnxruntime-web');
        ort.env.wasm.numThreads = 1;
      }
      await runOnnx(ort, job);
    } else if (job.kind === 'faceapi-recognition') {
      await runFaceApiRecognition(tf, job);
    } else {
      throw new Error(`unknown job kind ${job.kind} for ${job.id}`);
    }
    console.log(`reference: ${job.id} (${job.kind}) in ${Date.now() - t0} ms`);
  }
}

main().catch(e => { console.error(`reference: ${e.stack || e}`); process.exit(1); });
