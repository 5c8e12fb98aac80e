#!/usr/bin/env node
// Runs each ORIGINAL model with its original runtime on a fixed input and stores the outputs,
// so the converted ONNX files can be checked against them from C++ (src/infer tests).
//
//   tfjs graph models -> @tensorflow/tfjs (pure-JavaScript CPU backend, no native tfjs-node)
//   ONNX models       -> onnxruntime-web (WebAssembly CPU), run on the UNREPAIRED file
//
// Usage: node reference.js JOBS.json
// JOBS.json: [{"id", "kind": "tfjs"|"onnx", "model", "input", "input_shape" (NCHW), "input_name",
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
    } else {
      throw new Error(`unknown job kind ${job.kind} for ${job.id}`);
    }
    console.log(`reference: ${job.id} (${job.kind}) in ${Date.now() - t0} ms`);
  }
}

main().catch(e => { console.error(`reference: ${e.stack || e}`); process.exit(1); });
