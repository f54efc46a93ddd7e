// A response's text cut into the parts its tags mark: description (what the model says it sees), reasoning and
// answer, as the perception-RL papers' prompts ask for them. Text outside a known tag is 'other'. The parts, joined,
// are the text again, character for character, so nothing of a response is hidden by the split.

type SegmentKind = 'description' | 'reasoning' | 'answer' | 'other';

export interface Segment {
  kind: SegmentKind;
  /** The tag that opened it ('' for text outside any known tag, 'boxed' for a \boxed{...} answer). */
  tag: string;
  text: string;
  /** false for a tag still open at the end of the text (a response cut by its length limit). */
  closed: boolean;
}

/** Tag names, as the papers' templates write them, and the part each marks. */
const TAGS: Record<string, SegmentKind> = {
  desc: 'description',
  description: 'description',
  perception: 'description',
  caption: 'description',
  observation: 'description',
  look: 'description',
  think: 'reasoning',
  thinking: 'reasoning',
  reasoning: 'reasoning',
  reason: 'reasoning',
  rethink: 'reasoning',
  answer: 'answer',
};

const TAG = /<(\/?)([A-Za-z_]+)>/g;

/** The segments of `text`, in order; their texts joined give `text` back. */
export function splitSegments(text: string): Segment[] {
  const out: Segment[] = [];
  const push = (kind: SegmentKind, tag: string, from: number, to: number, closed = true) => {
    if (to <= from) return;
    const last = out[out.length - 1];
    // two runs of plain text side by side (an unknown or stray tag between them) are one
    if (last && kind === 'other' && last.kind === 'other') last.text += text.slice(from, to);
    else out.push({ kind, tag, text: text.slice(from, to), closed });
  };
  let open: { tag: string; at: number } | null = null;
  let plainFrom = 0;
  for (const m of text.matchAll(TAG)) {
    const name = m[2].toLowerCase();
    if (!(name in TAGS)) continue;
    const at = m.index;
    if (!open && m[1] === '') {
      push('other', '', plainFrom, at);
      open = { tag: name, at };
    } else if (open && m[1] === '/' && name === open.tag) {
      push(TAGS[name], name, open.at, at + m[0].length);
      open = null;
      plainFrom = at + m[0].length;
    }
  }
  if (open) push(TAGS[open.tag], open.tag, open.at, text.length, false);
  else push('other', '', plainFrom, text.length);
  return out.some((s) => s.kind === 'answer') ? out : withBoxed(out);
}

/** Without an answer tag, a \boxed{...} in plain text is the answer (the math templates' form). */
function withBoxed(segs: Segment[]): Segment[] {
  return segs.flatMap((s) => {
    if (s.kind !== 'other') return [s];
    const at = s.text.lastIndexOf('\\boxed{');
    if (at < 0) return [s];
    let depth = 0;
    let end = -1;
    for (let i = at + 7; i < s.text.length; i++) {
      if (s.text[i] === '{') depth++;
      else if (s.text[i] === '}' && depth-- === 0) {
        end = i + 1;
        break;
      }
    }
    const to = end < 0 ? s.text.length : end;
    const parts: Segment[] = [
      { kind: 'other', tag: '', text: s.text.slice(0, at), closed: true },
      { kind: 'answer', tag: 'boxed', text: s.text.slice(at, to), closed: end >= 0 },
      { kind: 'other', tag: '', text: s.text.slice(to), closed: true },
    ];
    return parts.filter((p) => p.text.length > 0);
  });
}
