// Settings of the Real VLM view: one zod schema gives the defaults, the checks
// and their messages, and the share link (#hub=<base64url JSON of the fields
// that differ from the defaults>; the image is never in it).

import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../lib/base64url';

/** How "the image removed" is realised in the second teacher-forced pass. */
export const REMOVALS = ['text-only', 'null-image'] as const;
export type Removal = (typeof REMOVALS)[number];

export const DEFAULT_HUB_MODEL = 'HuggingFaceTB/SmolVLM-256M-Instruct';
/** The tiny idefics3-format model the app serves (random weights; for offline use and tests). */
export const TINY_HUB_MODEL = './models/tiny-idefics3/';

/** Larger images are refused before any decoding work (the processor would shrink them anyway). */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

const hubSettingsSchema = z.object({
  /** A hub id (owner/name) or a folder URL (ending in /) holding the model files. */
  model: z.string().trim().min(1, 'a model id or folder URL is required').max(300),
  prompt: z.string().min(1, 'the prompt must not be empty').max(2000),
  /** Asked after each kept description (empty: no answers). */
  question: z.string().max(2000),
  N: z.number().int().min(1).max(32),
  k: z.number().int().min(1).max(32),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  /** 0: greedy (every description is the same; the check that two runtimes agree). */
  temperature: z.number().min(0).max(5),
  maxTokens: z.number().int().min(1).max(256),
  answerTokens: z.number().int().min(1).max(256),
  removal: z.enum(REMOVALS),
  /** Rank by the summed pointwise MI (the playground's default reward) or its per-token mean. */
  miAgg: z.enum(['sum', 'mean']),
});
export type HubSettings = z.infer<typeof hubSettingsSchema>;

export const DEFAULT_HUB_SETTINGS: HubSettings = {
  model: DEFAULT_HUB_MODEL,
  prompt: 'Describe the image.',
  question: '',
  N: 8,
  k: 3,
  seed: 1,
  temperature: 1,
  maxTokens: 48,
  answerTokens: 24,
  removal: 'text-only',
  miAgg: 'sum',
};

/** Checks settings; the messages name the field. k above N is refused (it would keep every description). */
export function validateHubSettings(s: unknown): { ok: true; settings: HubSettings } | { ok: false; errors: string[] } {
  const r = hubSettingsSchema.safeParse(s);
  if (!r.success)
    return { ok: false, errors: r.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`) };
  if (r.data.k > r.data.N) return { ok: false, errors: [`k: must be at most N (${r.data.N})`] };
  return { ok: true, settings: r.data };
}

/** The hash fragment for these settings: only the fields that differ from the defaults. */
export function encodeHubHash(s: HubSettings): string {
  const diff = Object.fromEntries(
    Object.entries(s).filter(([k, v]) => v !== DEFAULT_HUB_SETTINGS[k as keyof HubSettings]),
  );
  return `hub=${toBase64Url(JSON.stringify(diff))}`;
}

/**
 * Reads the settings from a hash (`#...&hub=...`); never throws. Absent: null.
 * Malformed: the defaults and the reasons.
 */
export function decodeHubHash(hash: string): { settings: HubSettings; errors: string[] } | null {
  const raw = new URLSearchParams(hash.replace(/^#/, '')).get('hub');
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(raw));
  } catch {
    return {
      settings: DEFAULT_HUB_SETTINGS,
      errors: ['the Real VLM settings in this link are not readable (not base64url JSON)'],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { settings: DEFAULT_HUB_SETTINGS, errors: ['the Real VLM settings in this link are not an object'] };
  }
  const v = validateHubSettings({ ...DEFAULT_HUB_SETTINGS, ...parsed });
  return v.ok
    ? { settings: v.settings, errors: [] }
    : { settings: DEFAULT_HUB_SETTINGS, errors: v.errors.map((e) => `link: ${e}`) };
}
