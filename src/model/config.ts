// TinyVLM's shape. Part of every checkpoint (config.json and the safetensors metadata).

import { IMAGE_SIZE } from '../tasks/render';
import { VOCAB } from '../tasks/vocab';

export interface ModelConfig {
  name: string;
  imageSize: number;
  patchSize: number;
  /** Encoder width, blocks and heads. */
  encDim: number;
  encLayers: number;
  encHeads: number;
  /** Decoder width, blocks and heads. */
  dim: number;
  layers: number;
  heads: number;
  /** MLP hidden width = mlpRatio * width. */
  mlpRatio: number;
  vocabSize: number;
  /** Longest sequence (learned positions). */
  maxSeq: number;
}

export const TINYVLM_CONFIG: ModelConfig = {
  name: 'tinyvlm-v1',
  imageSize: IMAGE_SIZE,
  patchSize: 12,
  encDim: 64,
  encLayers: 1,
  encHeads: 2,
  dim: 64,
  layers: 2,
  heads: 4,
  mlpRatio: 2,
  vocabSize: VOCAB.length,
  maxSeq: 128,
};

export const patchesPerImage = (c: ModelConfig) => (c.imageSize / c.patchSize) ** 2;
export const patchDim = (c: ModelConfig) => c.patchSize * c.patchSize * 3;

export function validateConfig(c: ModelConfig): void {
  const bad = (m: string) => {
    throw new Error(`model config: ${m}`);
  };
  for (const k of [
    'imageSize',
    'patchSize',
    'encDim',
    'encLayers',
    'encHeads',
    'dim',
    'layers',
    'heads',
    'mlpRatio',
    'vocabSize',
    'maxSeq',
  ] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) bad(`${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.imageSize % c.patchSize) bad('imageSize must be a multiple of patchSize');
  if (c.dim % c.heads || c.dim / c.heads > 64) bad('dim / heads must be an integer of at most 64');
  if (c.encDim % c.encHeads || c.encDim / c.encHeads > 64) bad('encDim / encHeads must be an integer of at most 64');
}
