import type * as Tfjs from '@tensorflow/tfjs';
import { childLogger } from '../log.js';
import { describeError, ErrorCode, fatal } from '../errors.js';

export type Tf = typeof Tfjs;
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'cpu';

export interface SkippedBackend {
  backend: BackendName;
  module: string;
  reason: string;
}

export interface BackendInfo {
  tf: Tf;
  backend: BackendName;
  /** Why each faster backend was not used, in the order they were tried. */
  skipped: SkippedBackend[];
}

export type BackendPreference = 'auto' | 'cpu';

const GPU_MODULE = '@tensorflow/tfjs-node-gpu';
const NODE_MODULE = '@tensorflow/tfjs-node';

/** The node bindings' kernel backend exposes whether libtensorflow found a CUDA device. */
function seesGpu(tf: Tf): boolean {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: unknown };
  return backend.isUsingGpuDevice === true;
}

/** Optional dependencies: the specifier is a variable so the typecheck does not need them installed. */
async function importOptional(specifier: string): Promise<Tf> {
  const mod = (await import(specifier)) as Partial<Tf> & { default?: Tf };
  // A CommonJS package's re-exports may only be reachable through `default`.
  const tf = typeof mod.ready === 'function' ? (mod as Tf) : mod.default;
  if (!tf || typeof tf.ready !== 'function') throw new Error(`${specifier} loaded but does not export the tfjs API`);
  await tf.ready();
  return tf;
}

async function chooseBackend(preference: BackendPreference): Promise<BackendInfo> {
  const skipped: SkippedBackend[] = [];
  if (preference === 'cpu') {
    skipped.push({ backend: 'tensorflow-gpu', module: GPU_MODULE, reason: 'backend preference is cpu' });
    skipped.push({ backend: 'tensorflow', module: NODE_MODULE, reason: 'backend preference is cpu' });
  } else {
    try {
      const tf = await importOptional(GPU_MODULE);
      if (seesGpu(tf)) return { tf, backend: 'tensorflow-gpu', skipped };
      // Loaded, but libtensorflow found no CUDA device: its CPU kernels are still native.
      skipped.push({ backend: 'tensorflow-gpu', module: GPU_MODULE, reason: 'loaded, but no GPU device is visible (using its native CPU kernels)' });
      return { tf, backend: 'tensorflow', skipped };
    } catch (err) {
      skipped.push({ backend: 'tensorflow-gpu', module: GPU_MODULE, reason: describeError(err) });
    }
    try {
      const tf = await importOptional(NODE_MODULE);
      return { tf, backend: 'tensorflow', skipped };
    } catch (err) {
      skipped.push({ backend: 'tensorflow', module: NODE_MODULE, reason: describeError(err) });
    }
  }
  try {
    const tf = await import('@tensorflow/tfjs');
    // PROD mode skips per-op debug checks and the console banner suggesting tfjs-node;
    // the reasons above are logged instead.
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: 'cpu', skipped };
  } catch (err) {
    throw fatal(ErrorCode.BACKEND_UNAVAILABLE, `no TensorFlow.js backend could start: ${describeError(err)}`, {
      cause: err,
      hint: 'reinstall dependencies (npm ci); @tensorflow/tfjs is required',
      details: { skipped },
    });
  }
}

const chosen = new Map<BackendPreference, Promise<BackendInfo>>();

/**
 * Picks the fastest TensorFlow.js backend that loads: tfjs-node-gpu (when it sees a
 * GPU), tfjs-node, then pure-JS tfjs on CPU. Chosen and logged once per process and
 * preference; every model version records the result.
 */
export function loadBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  let info = chosen.get(preference);
  if (!info) {
    info = chooseBackend(preference).then((result) => {
      childLogger({ component: 'trainer' }).info({ backend: result.backend, skipped: result.skipped }, `training backend: ${result.backend}`);
      return result;
    }, (err: unknown) => {
      chosen.delete(preference); // let a later call retry
      throw err;
    });
    chosen.set(preference, info);
  }
  return info;
}
