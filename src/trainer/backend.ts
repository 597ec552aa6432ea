import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import { childLogger } from '../log.js';
import { describeError, ErrorCode, fatal } from '../errors.js';
import type { BACKEND_PREFERENCES } from './options.js';

export type Tf = typeof Tfjs;
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'cpu';
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

export interface SkippedBackend {
  backend: BackendName;
  module: string;
  reason: string;
}

export interface BackendInfo {
  tf: Tf;
  backend: BackendName;
  /** The device, where the backend says: the WebGPU adapter, or "CUDA". */
  device: string | undefined;
  /** Why each backend before it was not used, in the order they were tried. */
  skipped: SkippedBackend[];
}

const GPU_MODULE = '@tensorflow/tfjs-node-gpu';
const NODE_MODULE = '@tensorflow/tfjs-node';
const WEBGPU_MODULE = '@tensorflow/tfjs-backend-webgpu';
/** Dawn (Chrome's WebGPU) for Node: Vulkan, Metal or D3D12 underneath. An ES module; a variable so the typecheck does not need it. */
const DAWN_MODULE: string = 'webgpu';
const ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'];
const MODULES: Record<BackendName, string> = { 'tensorflow-gpu': GPU_MODULE, webgpu: WEBGPU_MODULE, tensorflow: NODE_MODULE, cpu: '@tensorflow/tfjs' };

// CommonJS entries: one tfjs-core instance for the full package and every backend package
// (tfjs-core's ESM entry alone lacks the chained ops and gradients under Node).
const require = createRequire(import.meta.url);

/** Optional dependencies: loaded by name at run time, so the typecheck does not need them. */
function requireTf(specifier: string): Tf {
  const mod = require(specifier) as Partial<Tf> & { default?: Tf };
  const tf = typeof mod.ready === 'function' ? (mod as Tf) : mod.default;
  if (!tf || typeof tf.ready !== 'function') throw new Error(`${specifier} loaded but does not export the tfjs API`);
  return tf;
}

interface NavigatorGpu {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; device?: string; description?: string } } | null>;
}

/** Where Linux distributions put the Vulkan loader Dawn opens (elsewhere: force --backend webgpu). */
const VULKAN_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

/**
 * On Linux without a Vulkan loader Dawn can only fail, after printing a native warning
 * into the user's terminal: say why in the skip reason instead.
 */
function vulkanLoaderMissing(): boolean {
  if (process.platform !== 'linux') return false;
  return !VULKAN_DIRS.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

async function loadWebGpu(forced: boolean): Promise<{ tf: Tf; device: string }> {
  if (!forced && vulkanLoaderMissing()) throw new Error('no Vulkan loader (libvulkan.so.1) on this machine: install the GPU\'s Vulkan driver (Mesa or the vendor\'s), or force --backend webgpu');
  const dawn = (await import(DAWN_MODULE)) as { create(flags: string[]): NavigatorGpu; globals: Record<string, unknown> };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan, Metal or D3D12 device)');
  const info = adapter.info ?? {};
  const device = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ') || 'unnamed adapter';
  // tfjs-backend-webgpu looks for navigator.gpu; Node 20 has no navigator.
  const g = globalThis as { navigator?: { gpu?: NavigatorGpu } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  const tf = requireTf('@tensorflow/tfjs');
  require(WEBGPU_MODULE);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise its webgpu backend');
  await tf.ready();
  return { tf, device };
}

async function load(backend: BackendName, forced: boolean): Promise<{ tf: Tf; device: string | undefined }> {
  switch (backend) {
    case 'tensorflow-gpu': {
      const tf = requireTf(GPU_MODULE);
      await tf.ready();
      // The node bindings' kernel backend says whether libtensorflow found a CUDA device.
      if ((tf.backend() as unknown as { isUsingGpuDevice?: unknown }).isUsingGpuDevice !== true) {
        throw new Error('loaded, but libtensorflow sees no CUDA device');
      }
      return { tf, device: 'CUDA' };
    }
    case 'webgpu':
      return loadWebGpu(forced);
    case 'tensorflow': {
      const tf = requireTf(NODE_MODULE);
      await tf.ready();
      return { tf, device: undefined };
    }
    case 'cpu': {
      const tf = requireTf('@tensorflow/tfjs');
      // PROD mode skips per-op debug checks and the console banner suggesting tfjs-node;
      // the reasons above are logged instead.
      tf.env().set('PROD', true);
      await tf.setBackend('cpu');
      await tf.ready();
      return { tf, device: undefined };
    }
  }
}

async function chooseBackend(preference: BackendPreference): Promise<BackendInfo> {
  const skipped: SkippedBackend[] = [];
  const candidates = preference === 'auto' ? ORDER : [preference];
  for (const backend of ORDER) if (!candidates.includes(backend)) skipped.push({ backend, module: MODULES[backend], reason: `backend forced to ${preference}` });
  for (const backend of candidates) {
    try {
      const { tf, device } = await load(backend, preference !== 'auto');
      return { tf, backend, device, skipped: skipped.filter((s) => s.backend !== backend) };
    } catch (err) {
      skipped.push({ backend, module: MODULES[backend], reason: describeError(err) });
    }
  }
  const failures = skipped.filter((s) => candidates.includes(s.backend));
  throw fatal(ErrorCode.BACKEND_UNAVAILABLE, `no TensorFlow.js backend could start (${preference}): ${failures.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`, {
    hint: preference === 'auto' ? 'reinstall dependencies (npm ci); @tensorflow/tfjs is required' : `install what ${preference} needs, or use --backend auto`,
    details: { skipped },
  });
}

const chosen = new Map<BackendPreference, Promise<BackendInfo>>();

/**
 * The TensorFlow.js backend: with `auto`, the first that loads of tfjs-node-gpu (when it
 * sees a CUDA device), WebGPU (when Dawn finds an adapter), tfjs-node, and pure-JS tfjs on
 * CPU; or exactly the one asked for. Chosen and logged once per process and preference;
 * every model version records the result.
 */
export function loadBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  let info = chosen.get(preference);
  if (!info) {
    info = chooseBackend(preference).then(
      (result) => {
        childLogger({ component: 'trainer' }).info({ backend: result.backend, device: result.device, skipped: result.skipped }, `training backend: ${result.backend}`);
        return result;
      },
      (err: unknown) => {
        chosen.delete(preference); // let a later call retry
        throw err;
      },
    );
    chosen.set(preference, info);
  }
  return info;
}
