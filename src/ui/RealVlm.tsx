// The Real VLM view: a pretrained idefics3-format model (SmolVLM by default)
// through transformers.js on this tab's GPU; N descriptions of an image ranked by
// MI (scored by mi_score.wgsl on the same device), the top k marked, each token
// coloured by its pointwise MI, and the kept ones continued into an answer.

import { useEffect, useState, type ClipboardEvent, type DragEvent } from 'react';
import { REMOVALS, TINY_HUB_MODEL, DEFAULT_HUB_MODEL, type HubSettings } from '../hub/settings';
import type { HubDescription } from '../hub/result';
import { generateProblem } from '../tasks/problem';
import { renderScene, toRgba } from '../tasks/render';
import { imageFromBlob, imageFromPixels, useHubStore, type HubPlace } from './stores/hubStore';
import { useDraftStore } from './stores/draftStore';
import { fmtSig as fmt } from './format';

const Why = ({ place }: { place: HubPlace }) => {
  const e = useHubStore((s) => s.errors[place]);
  return e ? (
    <div className="panel error" data-testid={`hub-error-${place}`}>
      {e}
    </div>
  ) : null;
};

const bytes = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;

function ModelPanel() {
  const { settings, set, status, files, loadedModel, allowHub, setAllowHub, load } = useHubStore();
  const entries = Object.entries(files);
  return (
    <section className="panel">
      <h2>Model</h2>
      <div className="hub-row">
        <label className="field wide">
          model (hub id or folder URL)
          <input
            data-testid="hub-model"
            list="hub-models"
            value={settings.model}
            onChange={(e) => set({ model: e.target.value })}
          />
          <datalist id="hub-models">
            <option value={DEFAULT_HUB_MODEL} />
            <option value={TINY_HUB_MODEL}>tiny test model (random weights, offline)</option>
          </datalist>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="hub-allow"
            checked={allowHub}
            onChange={(e) => setAllowHub(e.target.checked)}
          />{' '}
          hub access
        </label>
        <button data-testid="hub-load" onClick={load} disabled={status === 'loading' || status === 'running'}>
          {status === 'loading' ? 'loading…' : 'Load'}
        </button>
        <button className="link" onClick={() => set({ model: TINY_HUB_MODEL })}>
          use the tiny test model
        </button>
      </div>
      <Why place="model" />
      <Why place="device" />
      {entries.length > 0 && (
        <table className="files" data-testid="hub-files">
          <tbody>
            {entries.map(([f, p]) => (
              <tr key={f}>
                <td>
                  <code>{f}</code>
                </td>
                <td>
                  <progress max={p.total || 1} value={p.done ? p.total || 1 : p.loaded} />
                </td>
                <td>
                  {p.total
                    ? `${bytes(p.done ? p.total : p.loaded)} / ${bytes(p.total)}`
                    : p.done
                      ? 'done'
                      : bytes(p.loaded)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loadedModel && (
        <p className="status" data-testid="hub-loaded">
          <span>
            loaded <code>{loadedModel.model}</code>
          </span>
          <span>
            {loadedModel.dtype} on{' '}
            {loadedModel.device === 'webgpu' ? 'WebGPU (the page’s own device)' : 'onnxruntime wasm (no WebGPU)'}
          </span>
          <span>{loadedModel.cached ? 'already loaded' : `in ${fmt(loadedModel.loadMs / 1000)} s`}</span>
        </p>
      )}
    </section>
  );
}

function ImagePanel() {
  const { image, setImage, imageError } = useHubStore();
  const runConfig = useDraftStore((s) => s.draft);
  const [index, setIndex] = useState(0);
  const take = async (blob: Blob | null | undefined, label: string) => {
    if (!blob) return;
    try {
      setImage(await imageFromBlob(blob, label));
    } catch (e) {
      imageError((e as Error).message);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const f = e.dataTransfer.files[0];
    if (f) void take(f, f.name);
  };
  const onPaste = (e: ClipboardEvent) => {
    const item = [...e.clipboardData.items].find((i) => i.kind === 'file');
    if (item) void take(item.getAsFile(), 'pasted image');
  };
  const scene = () => {
    const p = generateProblem(runConfig.seed, index, { families: runConfig.families, knobs: runConfig.knobs });
    const size = 128;
    setImage(
      imageFromPixels(
        size,
        size,
        toRgba(renderScene(p.scenes[0], size), size),
        `task scene (seed ${runConfig.seed}, #${index + 1}, ${p.family})`,
      ),
    );
    useHubStore.getState().set({ question: p.question });
  };
  return (
    <section className="panel">
      <h2>Image</h2>
      <div
        className="drop"
        data-testid="hub-drop"
        tabIndex={0}
        onDragOver={(e) => e.preventDefault()}
        onDrop={onDrop}
        onPaste={onPaste}
      >
        Drop an image here, paste one (click here, then Ctrl+V), or
        <input
          type="file"
          accept="image/*"
          data-testid="hub-file"
          onChange={(e) => void take(e.target.files?.[0], e.target.files?.[0]?.name ?? 'file')}
        />
      </div>
      <div className="buttons">
        <button data-testid="hub-scene" onClick={scene}>
          Take the task scene
        </button>
        <label className="field inline">
          problem #
          <input
            type="number"
            min={1}
            value={index + 1}
            onChange={(e) => setIndex(Math.max(0, Math.floor(Number(e.target.value) || 1) - 1))}
          />
        </label>
      </div>
      <Why place="image" />
      {image && (
        <figure className="hub-image" data-testid="hub-image">
          <img src={image.preview} alt={image.label} width={Math.min(256, image.width)} />
          <figcaption>
            {image.label} · {image.width} x {image.height}
          </figcaption>
        </figure>
      )}
    </section>
  );
}

function Num({
  k,
  label,
  step = 1,
}: {
  k: 'N' | 'k' | 'seed' | 'temperature' | 'maxTokens' | 'answerTokens';
  label: string;
  step?: number;
}) {
  const v = useHubStore((s) => s.settings[k]);
  const set = useHubStore((s) => s.set);
  return (
    <label className="field">
      {label}
      <input
        type="number"
        step={step}
        data-testid={`hub-${k}`}
        value={v}
        onChange={(e) => set({ [k]: Number(e.target.value) } as Partial<HubSettings>)}
      />
    </label>
  );
}

function SettingsPanel() {
  const { settings, set, run, status, stage, cpuCheck, setCpuCheck, loadedModel } = useHubStore();
  return (
    <section className="panel">
      <h2>Pre-sample and score</h2>
      <label className="field wide">
        prompt
        <input data-testid="hub-prompt" value={settings.prompt} onChange={(e) => set({ prompt: e.target.value })} />
      </label>
      <label className="field wide">
        question after the description (empty: no answers)
        <input
          data-testid="hub-question"
          value={settings.question}
          onChange={(e) => set({ question: e.target.value })}
        />
      </label>
      <div className="grid">
        <Num k="N" label="N descriptions" />
        <Num k="k" label="k kept" />
        <Num k="seed" label="seed" />
        <Num k="temperature" label="temperature" step={0.1} />
        <Num k="maxTokens" label="max tokens" />
        <Num k="answerTokens" label="answer tokens" />
        <label className="field">
          image removed by
          <select
            data-testid="hub-removal"
            value={settings.removal}
            onChange={(e) => set({ removal: e.target.value as HubSettings['removal'] })}
          >
            {REMOVALS.map((r) => (
              <option key={r} value={r}>
                {r === 'text-only' ? 'text only (no image tokens)' : 'null image (image tokens, no pixels)'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          rank by
          <select
            data-testid="hub-agg"
            value={settings.miAgg}
            onChange={(e) => set({ miAgg: e.target.value as HubSettings['miAgg'] })}
          >
            <option value="sum">MI sum</option>
            <option value="mean">MI per token</option>
          </select>
        </label>
      </div>
      <div className="buttons">
        <button data-testid="hub-run" onClick={run} disabled={status !== 'ready' || !loadedModel}>
          {status === 'running' ? `${stage ?? 'starting'}…` : 'Pre-sample and score'}
        </button>
        <label className="check">
          <input type="checkbox" checked={cpuCheck} onChange={(e) => setCpuCheck(e.target.checked)} /> check the GPU MI
          against the CPU reference
        </label>
      </div>
      <Why place="settings" />
      <Why place="run" />
    </section>
  );
}

/** Blue for tokens the image supports (positive pointwise MI), red for the ones it argues against. */
function tokenColour(pmi: number, scale: number): string {
  const a = Math.min(1, Math.abs(pmi) / scale) * 0.6;
  return pmi >= 0 ? `rgba(37, 99, 235, ${a})` : `rgba(220, 38, 38, ${a})`;
}

function Tokens({ d, scale }: { d: HubDescription; scale: number }) {
  return (
    <span className="tokens">
      {d.tokens.map((t, i) => (
        <span
          key={i}
          className="tok"
          data-testid="hub-token"
          title={`${JSON.stringify(t)}: pointwise MI ${d.pmi[i].toFixed(4)} nats`}
          style={{ background: tokenColour(d.pmi[i], scale) }}
        >
          {t}
        </span>
      ))}
      {!d.complete && <span className="muted"> (cut at max tokens)</span>}
    </span>
  );
}

function Results() {
  const { result, exportJson, shareUrl, image } = useHubStore();
  const [link, setLink] = useState('');
  if (!result) return null;
  const ranked = [...result.descriptions].sort((a, b) => a.rank - b.rank);
  const scale = Math.max(1e-6, ...result.descriptions.flatMap((d) => d.pmi.map(Math.abs)));
  const download = () => {
    const f = exportJson();
    if (!f) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([f.text], { type: 'application/json' }));
    a.download = f.name;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const t = result.timings;
  return (
    <section className="panel" data-testid="hub-results">
      <h2>
        Descriptions ranked by MI ({result.settings.miAgg === 'sum' ? 'summed' : 'per token'}), top {result.settings.k}{' '}
        kept
      </h2>
      <p className="status">
        <span data-testid="hub-mi-on">
          MI on {result.miOn === 'gpu' ? 'the GPU (mi_score.wgsl, shared device)' : 'the CPU'}
        </span>
        {result.check && (
          <span data-testid="hub-check">
            vs CPU reference: max |Δ| {result.check.maxAbsDiffSum.toExponential(1)} (sum),{' '}
            {result.check.maxAbsDiffToken.toExponential(1)} (per token)
          </span>
        )}
        <span data-testid="hub-times">
          sampling {fmt(t.sampleMs / 1000)} s · scoring {fmt(t.scoreMs / 1000)} s
          {result.settings.question ? ` · answers ${fmt(t.answerMs / 1000)} s` : ''}
        </span>
      </p>
      {result.settings.model === TINY_HUB_MODEL && (
        <p className="size-note" data-testid="hub-random-note">
          The tiny test model has random weights: its descriptions and answers are noise by design, and their MI says
          nothing about the image. It is here to check the pipeline offline; pick a pretrained model above for real
          descriptions.
        </p>
      )}
      <div className="hub-results">
        {image && <img className="hub-side" src={image.preview} alt={image.label} width={160} />}
        <ol className="ranked" data-testid="hub-ranked">
          {ranked.map((d) => (
            <li key={d.index} className={d.kept ? 'kept' : 'dropped'} data-testid="hub-desc" data-kept={d.kept}>
              <div className="hub-score">
                <b>#{d.rank}</b>{' '}
                {d.kept ? <span className="badge kept">kept</span> : <span className="muted">dropped</span>}
                <span data-testid="hub-mi">MI {fmt(d.miSum)} nats</span>{' '}
                <span className="muted">
                  ({fmt(d.miMean)} / token, {d.ids.length} tokens, sample {d.index + 1})
                </span>
              </div>
              <Tokens d={d} scale={scale} />
              {d.answer !== null && (
                <div className="fork" data-testid="hub-answer">
                  → answer: <code>{d.answer}</code>
                </div>
              )}
            </li>
          ))}
        </ol>
      </div>
      <p className="legend">
        Token colour: <span style={{ background: tokenColour(scale, scale) }}>supported by the image</span>{' '}
        <span style={{ background: tokenColour(-scale, scale) }}>less likely with the image</span>; hover a token for
        its pointwise MI.
      </p>
      <div className="share">
        <button data-testid="hub-export" onClick={download}>
          Export JSON
        </button>
        <button data-testid="hub-share" onClick={() => setLink(shareUrl())}>
          Share settings
        </button>
        {link && <input readOnly data-testid="hub-link" value={link} onFocus={(e) => e.target.select()} />}
      </div>
    </section>
  );
}

export function RealVlm() {
  const applyHash = useHubStore((s) => s.applyHash);
  const linkErrors = useHubStore((s) => s.linkErrors);
  useEffect(() => applyHash(location.hash), [applyHash]);
  return (
    <div data-testid="real-vlm">
      <p className="lede">
        Does MI pick the right description on a real model and a real image? Load an idefics3-format VLM (SmolVLM) from
        the hub or a folder, give it an image, and pre-sample N descriptions: each is scored by two teacher-forced
        passes, with the image and with the image removed, and ranked by the mutual information between its tokens and
        the image, as MIRL ranks its pre-samples.
      </p>
      {linkErrors.length > 0 && (
        <div className="panel error" data-testid="hub-link-error">
          {linkErrors.join('; ')}
        </div>
      )}
      <div className="two-col">
        <ModelPanel />
        <ImagePanel />
      </div>
      <SettingsPanel />
      <Results />
    </div>
  );
}
