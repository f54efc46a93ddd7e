import { create } from 'zustand';
import { probeWebGpu, type WebGpuProbe } from '../../gpu/device';

interface GpuState {
  probe: WebGpuProbe | null;
  probing: boolean;
  runProbe(): Promise<void>;
}

/** What the page knows about WebGPU on this machine. */
export const useGpuStore = create<GpuState>((set, get) => ({
  probe: null,
  probing: false,
  async runProbe() {
    if (get().probing) return;
    set({ probing: true });
    const probe = await probeWebGpu();
    set({ probe, probing: false });
  },
}));
