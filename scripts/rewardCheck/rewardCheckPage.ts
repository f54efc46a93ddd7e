// The reward check on WebGPU in the page (driven by scripts/reward-check.ts --backend webgpu).
import { createWebGpuBackend } from '../../src/backend/webgpu/webgpuBackend';
import { decodeCheckpoint } from '../../src/model/checkpoint';
import { Params } from '../../src/model/params';
import { TinyVLM } from '../../src/model/tinyvlm';
import type { RLConfig } from '../../src/rl/config';
import { configuredReward, rewardCheck, type RewardCheckReport } from '../../src/rl/rewardCheck';
import { base64ToBytes as fromBase64 } from '../../src/lib/base64url';

declare global {
  interface Window {
    reportProgress(n: number): Promise<void>;
    rewardCheckPage: {
      run(weightsB64: string, config: RLConfig, seed: number, count: number): Promise<RewardCheckReport>;
    };
  }
}

async function run(weightsB64: string, config: RLConfig, seed: number, count: number): Promise<RewardCheckReport> {
  const ck = decodeCheckpoint(fromBase64(weightsB64));
  const be = await createWebGpuBackend();
  const model = new TinyVLM(be, ck.config, new Params(ck.config, be, ck.tensors));
  return rewardCheck(configuredReward(model, config), config, seed, count, {
    onProgress: (n) => void window.reportProgress(n),
  });
}

window.rewardCheckPage = { run };
document.body.dataset.ready = 'true';
