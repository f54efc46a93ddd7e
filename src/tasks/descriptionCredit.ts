// Credit of a description word by word: which of its decisions were right.
// Each object phrase is one unit, right when it names an object of the scene
// not already named (the multiset matching of scoreDescription); each
// separator, image header and the closing </desc> is one structure unit, right
// when it continues, switches image or stops where the scene says to. A
// sequence-level reward gives every word the description's overall score;
// this tells the words of a right object from those of a wrong one.

import { IMAGE_LABELS } from './language';
import type { Problem } from './problem';
import { objectKeyOf, sceneObjectCounts } from './verifier';

type CreditKind = 'object' | 'structure';

export interface DescriptionCredit {
  units: { kind: CreditKind; right: boolean }[];
  /** Per word of the description, then the closing </desc> when there is one: the index of its unit. */
  tokenUnit: number[];
}

/** The credit of description `words` (the closing </desc> is credited when `closed`). */
export function descriptionCredit(
  words: readonly string[],
  closed: boolean,
  p: Pick<Problem, 'scenes'>,
): DescriptionCredit {
  const images = p.scenes.length;
  // what is left to name, per image: a part labelled with an image matches against it, as in the verifier
  const left = p.scenes.map(sceneObjectCounts);
  const units: DescriptionCredit['units'] = [];
  const tokenUnit = new Array<number>(words.length + (closed ? 1 : 0)).fill(-1);
  const unit = (kind: CreditKind, right: boolean, from: number, to: number) => {
    units.push({ kind, right });
    for (let j = from; j < to; j++) tokenUnit[j] = units.length - 1;
  };
  const L = words.length;
  // a one-image description has no image separator: a ';' there is a malformed object
  const partSep = images > 1 ? ';' : null;
  // parts: one image's objects each (the whole description for a one-image scene)
  for (let a = 0, part = 0; ; part++) {
    let b = a;
    while (b < L && words[b] !== partSep) b++;
    let body = a;
    // the image this part names: its label (any image's, as the verifier reads it) then ':'
    let image = part === 0 ? 0 : -1;
    if (images > 1) {
      const label = IMAGE_LABELS.indexOf(words[a] as (typeof IMAGE_LABELS)[number]);
      image = label >= 0 && label < images && words[a + 1] === ':' ? label : -1;
      body = Math.min(a + 2, b);
      // the header is right when it names the image that comes next
      if (body > a) unit('structure', image === part, a, body);
    }
    const headerOk = image >= 0;
    const actual = headerOk ? p.scenes[image].objects.length : -1;
    let k = 0;
    for (let c0 = body; c0 < b;) {
      let c1 = c0;
      while (c1 < b && words[c1] !== ',') c1++;
      k++;
      if (c1 > c0) {
        const key = objectKeyOf(words.slice(c0, c1));
        const right = headerOk && key !== null && (left[image].get(key) ?? 0) > 0;
        if (right) left[image].set(key!, left[image].get(key)! - 1);
        unit('object', right, c0, c1);
      }
      // a comma: another object follows; a trailing comma opens an empty (wrong) one
      if (c1 < b) {
        unit('structure', headerOk && k < actual, c1, c1 + 1);
        if (c1 + 1 === b) k++;
      }
      c0 = c1 + 1;
    }
    // switching image or stopping is right after this image's objects, in the images' order
    if (b < L) unit('structure', image === part && k === actual && part + 1 < images, b, b + 1);
    else if (closed) unit('structure', image === part && k === actual && part + 1 === images, L, L + 1);
    if (b >= L) break;
    a = b + 1;
  }
  return { units, tokenUnit };
}
