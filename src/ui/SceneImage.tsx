import { useEffect, useRef } from 'react';
import { generateProblem } from '../tasks/problem';
import { renderScene, toRgba } from '../tasks/render';
import type { RLConfig } from '../rl/config';

/** The prompt's image(s), re-rendered from the task generator at display size (no canvas smoothing). */
export function SceneImage({
  seed,
  index,
  config,
  size = 128,
}: {
  seed: number;
  index: number;
  config: RLConfig;
  size?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.replaceChildren();
    const p = generateProblem(seed, index, { families: config.families, knobs: config.knobs });
    for (const s of p.scenes) {
      const c = document.createElement('canvas');
      c.width = size;
      c.height = size;
      c.className = 'scene';
      const ctx = c.getContext('2d');
      if (ctx)
        ctx.putImageData(
          new ImageData(toRgba(renderScene(s, size), size) as Uint8ClampedArray<ArrayBuffer>, size, size),
          0,
          0,
        );
      el.appendChild(c);
    }
  }, [seed, index, config, size]);
  return <div ref={ref} className="scene-images" data-testid="scene-image" />;
}
