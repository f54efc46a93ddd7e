import { SPECIAL, VOCAB } from './vocab';

/** Word-level tokenizer over the fixed task vocabulary; unknown words map to <unk>. */
class Tokenizer {
  private readonly ids = new Map<string, number>();
  constructor(readonly vocab: readonly string[] = VOCAB) {
    vocab.forEach((w, i) => {
      if (this.ids.has(w)) throw new Error(`duplicate vocabulary word ${w}`);
      this.ids.set(w, i);
    });
  }
  get size(): number {
    return this.vocab.length;
  }
  id(word: string): number {
    return this.ids.get(word) ?? this.ids.get(SPECIAL.unk)!;
  }
  has(word: string): boolean {
    return this.ids.has(word);
  }
  encode(text: string): number[] {
    return words(text).map((w) => this.id(w));
  }
  /** Ids outside the vocabulary decode to <unk>. */
  decodeWords(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => this.vocab[i] ?? SPECIAL.unk);
  }
  decode(ids: ArrayLike<number>): string {
    return this.decodeWords(ids).join(' ');
  }
}

export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

export const tokenizer = new Tokenizer();

/** The ids that end a description and an answer. */
export const DESC_END = tokenizer.id(SPECIAL.descEnd);
export const ANS_END = tokenizer.id(SPECIAL.ansEnd);
