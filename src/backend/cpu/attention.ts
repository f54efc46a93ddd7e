import type { AttentionArgs, AttentionBackwardArgs, AttentionDecodeArgs, KvCacheWriteArgs } from '../backend';
import type { Arr } from './arrays';

/** The prefix-LM mask: the prompt (image + question) attends both ways, generated tokens causally. */
function attends(i: number, j: number, prefix: number): boolean {
  return j < prefix || j <= i;
}

export function attentionRef({ out, att, qkv, prefix, B, T, C, nHead }: AttentionArgs<Arr>): void {
  const hs = C / nHead;
  const scale = 1 / Math.sqrt(hs);
  const C3 = 3 * C;
  const scores = new Float64Array(T);
  const acc = new Float64Array(hs);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * C3 + h * hs;
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          if (!attends(i, j, prefix[b])) continue;
          const ko = (b * T + j) * C3 + C + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += qkv[qo + d] * qkv[ko + d];
          scores[j] = dot * scale;
          if (scores[j] > max) max = scores[j];
        }
        let sum = 0;
        for (let j = 0; j < T; j++) {
          if (!attends(i, j, prefix[b])) continue;
          scores[j] = Math.exp(scores[j] - max);
          sum += scores[j];
        }
        const ao = ((b * nHead + h) * T + i) * T;
        for (let j = 0; j < T; j++) att[ao + j] = attends(i, j, prefix[b]) ? scores[j] / sum : 0;
        // j outer, d inner: V's rows are read contiguously; each out[d] still sums over j in order
        const oo = (b * T + i) * C + h * hs;
        acc.fill(0);
        for (let j = 0; j < T; j++) {
          const a = att[ao + j];
          const vo = (b * T + j) * C3 + 2 * C + h * hs;
          for (let d = 0; d < hs; d++) acc[d] += a * qkv[vo + d];
        }
        for (let d = 0; d < hs; d++) out[oo + d] = acc[d];
      }
    }
  }
}

/** Needs no dpre scratch. */
export function attentionBackwardRef({
  dqkv,
  dout,
  att,
  qkv,
  B,
  T,
  C,
  nHead,
}: Omit<AttentionBackwardArgs<Arr>, 'dpre'>): void {
  const hs = C / nHead;
  const scale = 1 / Math.sqrt(hs);
  const C3 = 3 * C;
  const datt = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nHead; h++) {
      for (let i = 0; i < T; i++) {
        const ao = ((b * nHead + h) * T + i) * T;
        const oo = (b * T + i) * C + h * hs;
        for (let j = 0; j < T; j++) {
          const vo = (b * T + j) * C3 + 2 * C + h * hs;
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += dout[oo + d] * qkv[vo + d];
          datt[j] = dot;
          // dv[j] += att[i, j] * dout[i]
          for (let d = 0; d < hs; d++) dqkv[vo + d] += att[ao + j] * dout[oo + d];
        }
        let s2 = 0;
        for (let j = 0; j < T; j++) s2 += att[ao + j] * datt[j];
        const qo = (b * T + i) * C3 + h * hs;
        for (let j = 0; j < T; j++) {
          const dpre = att[ao + j] * (datt[j] - s2);
          if (dpre === 0) continue;
          const ko = (b * T + j) * C3 + C + h * hs;
          for (let d = 0; d < hs; d++) {
            dqkv[qo + d] += dpre * scale * qkv[ko + d];
            dqkv[ko + d] += dpre * scale * qkv[qo + d];
          }
        }
      }
    }
  }
}

export function kvCacheWriteRef({ kCache, vCache, qkv, start, B, T, Tmax, C }: KvCacheWriteArgs<Arr>): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const pos = start[b] + t;
      if (pos >= Tmax) continue;
      const src = (b * T + t) * 3 * C;
      const dst = (b * Tmax + pos) * C;
      for (let c = 0; c < C; c++) {
        kCache[dst + c] = qkv[src + C + c];
        vCache[dst + c] = qkv[src + 2 * C + c];
      }
    }
  }
}

export function attentionDecodeRef({
  out,
  qkv,
  kCache,
  vCache,
  len,
  B,
  Tmax,
  C,
  nHead,
}: AttentionDecodeArgs<Arr>): void {
  const hs = C / nHead;
  const scale = 1 / Math.sqrt(hs);
  const acc = new Float64Array(hs);
  for (let b = 0; b < B; b++) {
    const L = Math.min(len[b], Tmax);
    for (let h = 0; h < nHead; h++) {
      const qo = b * 3 * C + h * hs;
      const sc = new Float64Array(L);
      let max = -Infinity;
      for (let j = 0; j < L; j++) {
        const ko = (b * Tmax + j) * C + h * hs;
        let dot = 0;
        for (let d = 0; d < hs; d++) dot += qkv[qo + d] * kCache[ko + d];
        sc[j] = dot * scale;
        max = Math.max(max, sc[j]);
      }
      let sum = 0;
      for (let j = 0; j < L; j++) {
        sc[j] = Math.exp(sc[j] - max);
        sum += sc[j];
      }
      acc.fill(0);
      for (let j = 0; j < L; j++) {
        const vo = (b * Tmax + j) * C + h * hs;
        for (let d = 0; d < hs; d++) acc[d] += sc[j] * vCache[vo + d];
      }
      for (let d = 0; d < hs; d++) out[b * C + h * hs + d] = L > 0 ? acc[d] / sum : 0;
    }
  }
}
