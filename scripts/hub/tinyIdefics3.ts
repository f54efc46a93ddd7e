// A tiny model in SmolVLM's (idefics3) hub format, for offline tests of the hub
// loader: the three ONNX files transformers.js reads (embed_tokens,
// vision_encoder, decoder_model_merged with a KV cache), a byte-level BPE
// tokenizer with SmolVLM's special tokens and chat template, and the JSON files.
// Weights are seeded random numbers: the model is not trained, only the format
// and the arithmetic are real. Deterministic: the same bytes on every run.

import { rngUniform } from '../../src/lib/rng';
import { encodeModel, type Initializer, type OnnxNode } from '../onnx/writer';

export const TINY = {
  hidden: 32,
  heads: 2,
  headDim: 16,
  ffn: 64,
  positions: 512,
  imageSize: 32,
  patch: 8,
  /** Image tokens per image: (32 / 8)^2 patches. */
  imageSeqLen: 16,
} as const;

/** SmolVLM's special tokens, after the 256 byte tokens. */
export const SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<fake_token_around_image>',
  '<image>',
  '<global-img>',
  '<end_of_utterance>',
] as const;
const VOCAB = 256 + SPECIAL_TOKENS.length;
const tokenId = (t: (typeof SPECIAL_TOKENS)[number]) => 256 + SPECIAL_TOKENS.indexOf(t);

// SmolVLM-Instruct's chat template.
const CHAT_TEMPLATE =
  "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

/** GPT-2's byte -> printable character map, which byte-level BPE vocabularies are written in. */
function byteChars(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let extra = 0;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : 256 + extra++));
}

function tokenizerJson(): object {
  const chars = byteChars();
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, i) => ({
      id: 256 + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(chars.map((c, i) => [c, i])),
      merges: [],
    },
  };
}

/** Seeded weights, uniform in [-scale, scale]; each tensor has its own stream. */
function weights(name: string, dims: number[], scale: number, stream: number): Initializer {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * rngUniform(2026, stream, 0, 0, i) - 1) * scale;
  return { name, type: 'float', dims, data };
}
const filled = (name: string, dims: number[], v: number): Initializer => ({
  name,
  type: 'float',
  dims,
  data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(v),
});
const i64 = (name: string, dims: number[], values: number[]): Initializer => ({
  name,
  type: 'int64',
  dims,
  data: BigInt64Array.from(values.map(BigInt)),
});
const f32 = (name: string, v: number): Initializer => ({ name, type: 'float', dims: [], data: Float32Array.of(v) });

function embedTokens(): Uint8Array {
  return encodeModel({
    name: 'embed_tokens',
    nodes: [{ op: 'Gather', inputs: ['embed.weight', 'input_ids'], outputs: ['inputs_embeds'], attrs: { axis: 0 } }],
    initializers: [weights('embed.weight', [VOCAB, TINY.hidden], 1, 1)],
    inputs: [{ name: 'input_ids', type: 'int64', dims: ['batch_size', 'sequence_length'] }],
    outputs: [{ name: 'inputs_embeds', type: 'float', dims: ['batch_size', 'sequence_length', TINY.hidden] }],
  });
}

/** Patchify (reshape + transpose) and a linear projection: [b, n, 3, 32, 32] -> [b * n, 16, D]. */
function visionEncoder(): Uint8Array {
  const g = TINY.imageSize / TINY.patch;
  const pd = 3 * TINY.patch * TINY.patch;
  return encodeModel({
    name: 'vision_encoder',
    nodes: [
      { op: 'Reshape', inputs: ['pixel_values', 'shape6'], outputs: ['p6'] },
      { op: 'Transpose', inputs: ['p6'], outputs: ['pt'], attrs: { perm: [0, 2, 4, 1, 3, 5] } },
      { op: 'Reshape', inputs: ['pt', 'shape3'], outputs: ['patches'] },
      { op: 'MatMul', inputs: ['patches', 'proj.weight'], outputs: ['proj'] },
      { op: 'Add', inputs: ['proj', 'proj.bias'], outputs: ['image_features'] },
    ],
    initializers: [
      i64('shape6', [6], [-1, 3, g, TINY.patch, g, TINY.patch]),
      i64('shape3', [3], [-1, TINY.imageSeqLen, pd]),
      weights('proj.weight', [pd, TINY.hidden], 2 / Math.sqrt(pd), 2),
      weights('proj.bias', [TINY.hidden], 0.1, 3),
    ],
    inputs: [
      { name: 'pixel_values', type: 'float', dims: ['batch_size', 'num_images', 3, TINY.imageSize, TINY.imageSize] },
    ],
    outputs: [{ name: 'image_features', type: 'float', dims: ['num_patches', TINY.imageSeqLen, TINY.hidden] }],
  });
}

/**
 * One pre-norm transformer layer with learned positions, a KV cache (past ++ new
 * along the sequence) and a causal + padding mask built from the cache length
 * and `attention_mask`; then the final norm and the LM head.
 */
function decoder(): Uint8Array {
  const { hidden: D, heads: H, headDim: hd, ffn } = TINY;
  const n: OnnxNode[] = [];
  const op = (o: string, inputs: string[], out: string, attrs?: OnnxNode['attrs']) =>
    n.push({ op: o, inputs, outputs: [out], attrs });
  const ln = (x: string, p: string, out: string) =>
    op('LayerNormalization', [x, `${p}.weight`, `${p}.bias`], out, { axis: -1, epsilon: { float: 1e-5 } });
  const heads = (x: string, out: string) => {
    op('Reshape', [x, 'shape_bshd'], `${out}_4`);
    op('Transpose', [`${out}_4`], out, { perm: [0, 2, 1, 3] });
  };
  op('Gather', ['pos.weight', 'position_ids'], 'pe', { axis: 0 });
  op('Add', ['inputs_embeds', 'pe'], 'x0');
  ln('x0', 'ln1', 'h1');
  for (const w of ['q', 'k', 'v']) op('MatMul', ['h1', `${w}.weight`], `${w}_lin`);
  heads('q_lin', 'q');
  heads('k_lin', 'k_new');
  heads('v_lin', 'v_new');
  op('Concat', ['past_key_values.0.key', 'k_new'], 'present.0.key', { axis: 2 });
  op('Concat', ['past_key_values.0.value', 'v_new'], 'present.0.value', { axis: 2 });
  op('Transpose', ['present.0.key'], 'kt', { perm: [0, 1, 3, 2] });
  op('MatMul', ['q', 'kt'], 'scores_raw');
  op('Mul', ['scores_raw', 'inv_sqrt_hd'], 'scores');
  // Mask: query i (absolute position past + i) sees key j when j <= past + i and the key is not padding.
  op('Shape', ['present.0.key'], 'kshape');
  op('Gather', ['kshape', 'two'], 'total', { axis: 0 });
  op('Shape', ['q'], 'qshape');
  op('Gather', ['qshape', 'two'], 'seq', { axis: 0 });
  op('Sub', ['total', 'seq'], 'past');
  op('Range', ['zero', 'total', 'one'], 'kpos');
  op('Range', ['past', 'total', 'one'], 'qpos');
  op('Unsqueeze', ['qpos', 'axis1'], 'qcol');
  op('LessOrEqual', ['kpos', 'qcol'], 'causal_b');
  op('Cast', ['causal_b'], 'causal', { to: 1 });
  op('Cast', ['attention_mask'], 'pad2', { to: 1 });
  op('Unsqueeze', ['pad2', 'axes12'], 'pad');
  op('Mul', ['causal', 'pad'], 'allowed');
  op('Sub', ['allowed', 'onef'], 'blocked');
  op('Mul', ['blocked', 'big'], 'bias');
  op('Add', ['scores', 'bias'], 'scores_masked');
  op('Softmax', ['scores_masked'], 'probs', { axis: -1 });
  op('MatMul', ['probs', 'present.0.value'], 'ctx4');
  op('Transpose', ['ctx4'], 'ctx_t', { perm: [0, 2, 1, 3] });
  op('Reshape', ['ctx_t', 'shape_bsd'], 'ctx');
  op('MatMul', ['ctx', 'o.weight'], 'attn');
  op('Add', ['x0', 'attn'], 'x1');
  ln('x1', 'ln2', 'h2');
  op('MatMul', ['h2', 'up.weight'], 'up');
  op('Relu', ['up'], 'act');
  op('MatMul', ['act', 'down.weight'], 'mlp');
  op('Add', ['x1', 'mlp'], 'x2');
  ln('x2', 'lnf', 'hf');
  op('MatMul', ['hf', 'lm_head.weight'], 'logits');
  const past = (kind: string) => ({
    name: `past_key_values.0.${kind}`,
    type: 'float' as const,
    dims: ['batch_size', H, 'past_sequence_length', hd],
  });
  const present = (kind: string) => ({
    name: `present.0.${kind}`,
    type: 'float' as const,
    dims: ['batch_size', H, 'total_sequence_length', hd],
  });
  return encodeModel({
    name: 'decoder_model_merged',
    nodes: n,
    initializers: [
      weights('pos.weight', [TINY.positions, D], 0.5, 10),
      filled('ln1.weight', [D], 1),
      filled('ln1.bias', [D], 0),
      weights('q.weight', [D, D], 2 / Math.sqrt(D), 11),
      weights('k.weight', [D, D], 2 / Math.sqrt(D), 12),
      weights('v.weight', [D, D], 2 / Math.sqrt(D), 13),
      weights('o.weight', [D, D], 1 / Math.sqrt(D), 14),
      filled('ln2.weight', [D], 1),
      filled('ln2.bias', [D], 0),
      weights('up.weight', [D, ffn], 2 / Math.sqrt(D), 15),
      weights('down.weight', [ffn, D], 1 / Math.sqrt(ffn), 16),
      filled('lnf.weight', [D], 1),
      filled('lnf.bias', [D], 0),
      // Large enough that logits are spread (a few nats): greedy picks are far from ties on any backend.
      weights('lm_head.weight', [D, VOCAB], 1.5, 17),
      i64('shape_bshd', [4], [0, 0, H, hd]),
      i64('shape_bsd', [3], [0, 0, D]),
      i64('two', [], [2]),
      i64('zero', [], [0]),
      i64('one', [], [1]),
      i64('axis1', [1], [1]),
      i64('axes12', [2], [1, 2]),
      f32('inv_sqrt_hd', 1 / Math.sqrt(hd)),
      f32('onef', 1),
      f32('big', 1e9),
    ],
    inputs: [
      { name: 'inputs_embeds', type: 'float', dims: ['batch_size', 'sequence_length', D] },
      { name: 'attention_mask', type: 'int64', dims: ['batch_size', 'total_sequence_length'] },
      { name: 'position_ids', type: 'int64', dims: ['batch_size', 'sequence_length'] },
      past('key'),
      past('value'),
    ],
    outputs: [
      { name: 'logits', type: 'float', dims: ['batch_size', 'sequence_length', VOCAB] },
      present('key'),
      present('value'),
    ],
  });
}

/** Every file of the model folder, by its path inside the folder. */
export function tinyIdefics3Files(): Map<string, Uint8Array | string> {
  const json = (o: object) => JSON.stringify(o, null, 2) + '\n';
  const eos = tokenId('<end_of_utterance>');
  const bos = tokenId('<|im_start|>');
  const pad = tokenId('<|im_end|>');
  const text = {
    model_type: 'llama',
    hidden_size: TINY.hidden,
    intermediate_size: TINY.ffn,
    num_attention_heads: TINY.heads,
    num_key_value_heads: TINY.heads,
    head_dim: TINY.headDim,
    num_hidden_layers: 1,
    vocab_size: VOCAB,
    max_position_embeddings: TINY.positions,
    bos_token_id: bos,
    eos_token_id: eos,
    pad_token_id: pad,
  };
  return new Map<string, Uint8Array | string>([
    [
      'config.json',
      json({
        architectures: ['Idefics3ForConditionalGeneration'],
        model_type: 'idefics3',
        image_token_id: tokenId('<image>'),
        scale_factor: 1,
        vocab_size: VOCAB,
        bos_token_id: bos,
        eos_token_id: eos,
        pad_token_id: pad,
        text_config: text,
        vision_config: {
          model_type: 'idefics3_vision',
          hidden_size: TINY.hidden,
          image_size: TINY.imageSize,
          patch_size: TINY.patch,
        },
        'transformers.js_config': { dtype: 'fp32' },
        _comment:
          'A tiny idefics3-format model with random weights, made by scripts/hub/tinyIdefics3.ts for offline tests.',
      }),
    ],
    ['generation_config.json', json({ bos_token_id: bos, eos_token_id: eos, pad_token_id: pad })],
    [
      'preprocessor_config.json',
      json({
        image_processor_type: 'Idefics3ImageProcessor',
        processor_class: 'Idefics3Processor',
        do_convert_rgb: true,
        do_resize: true,
        size: { longest_edge: TINY.imageSize },
        resample: 1,
        do_image_splitting: false,
        max_image_size: { longest_edge: TINY.imageSize },
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
        do_pad: false,
      }),
    ],
    ['processor_config.json', json({ processor_class: 'Idefics3Processor', image_seq_len: TINY.imageSeqLen })],
    [
      'tokenizer_config.json',
      json({
        tokenizer_class: 'GPT2Tokenizer',
        add_bos_token: false,
        add_prefix_space: false,
        bos_token: '<|im_start|>',
        eos_token: '<end_of_utterance>',
        pad_token: '<|im_end|>',
        unk_token: '<|endoftext|>',
        model_max_length: TINY.positions,
        chat_template: CHAT_TEMPLATE,
      }),
    ],
    [
      'special_tokens_map.json',
      json({
        bos_token: '<|im_start|>',
        eos_token: '<end_of_utterance>',
        pad_token: '<|im_end|>',
        unk_token: '<|endoftext|>',
      }),
    ],
    ['tokenizer.json', json(tokenizerJson())],
    ['onnx/embed_tokens.onnx', embedTokens()],
    ['onnx/vision_encoder.onnx', visionEncoder()],
    ['onnx/decoder_model_merged.onnx', decoder()],
  ]);
}
