import { GpuReport } from './GpuReport';

export function App() {
  return (
    <main>
      <header>
        <h1>MIRL Playground</h1>
        <p className="lede">
          A small vision-language model trained with reinforcement learning in this tab, on WebGPU: mutual-information-guided
          forking, decoupled perception and answer rewards, and reward blindness, live.
        </p>
      </header>
      <GpuReport />
    </main>
  );
}
