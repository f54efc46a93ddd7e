// Acquiring a WebGPU device, with the reasons it can fail spelled out for the UI.

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallback: boolean;
  shaderF16: boolean;
  features: string[];
  limits: Record<string, number>;
}

export type WebGpuProbe = { ok: true; report: AdapterReport } | { ok: false; reason: string; advice: string };

const REPORTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxUniformBufferBindingSize',
] as const;

const WEBGPU_ADVICE =
  'Use Chrome or Edge 113 or newer on a machine with a supported GPU (chrome://gpu lists WebGPU status). ' +
  'On Linux, start Chrome with --enable-unsafe-webgpu (and --enable-features=Vulkan); ' +
  'without a GPU, --enable-unsafe-swiftshader runs WebGPU on the CPU. The page must be served over https or localhost.';

function describeAdapter(adapter: GPUAdapter): AdapterReport {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const k of REPORTED_LIMITS) limits[k] = Number(adapter.limits[k]);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallback: Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter),
    shaderF16: adapter.features.has('shader-f16'),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

async function requestAdapter(): Promise<{ adapter: GPUAdapter } | { reason: string }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    const secure = typeof isSecureContext === 'undefined' || isSecureContext;
    return {
      reason: secure
        ? 'This browser does not expose WebGPU (navigator.gpu is missing).'
        : 'WebGPU needs a secure context (https or localhost); this page is not one.',
    };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { reason: 'WebGPU is present but no adapter was found (GPU blocklisted or disabled).' };
  return { adapter };
}

/** What the page can tell a user about WebGPU on this machine. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const r = await requestAdapter();
  if ('reason' in r) return { ok: false, reason: r.reason, advice: WEBGPU_ADVICE };
  return { ok: true, report: describeAdapter(r.adapter) };
}

class WebGpuUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`WebGPU unavailable: ${reason} ${WEBGPU_ADVICE}`);
    this.name = 'WebGpuUnavailableError';
  }
}

export interface AcquiredDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  report: AdapterReport;
}

/** Requests a device with the adapter's larger storage limits (the defaults are too small for a batch of logits). */
export async function acquireDevice(): Promise<AcquiredDevice> {
  const r = await requestAdapter();
  if ('reason' in r) throw new WebGpuUnavailableError(r.reason);
  const { adapter } = r;
  const want = [
    'maxBufferSize',
    'maxStorageBufferBindingSize',
    'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupStorageSize',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const k of want) requiredLimits[k] = Number(adapter.limits[k]);
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  return { adapter, device, report: describeAdapter(adapter) };
}
