// Text arriving in chunks, cut into lines with their 1-based numbers: a file is read as a stream, never whole, and
// every line keeps the number an editor would show for it.

const trimCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

export class LineSplitter {
  // pieces of the line not yet ended, joined only once it ends (a long line is never re-copied chunk by chunk)
  private pending: string[] = [];
  private next = 1;

  /** The lines completed by `chunk`. */
  push(chunk: string): { line: number; text: string }[] {
    const parts = chunk.split('\n');
    if (parts.length === 1) {
      this.pending.push(chunk);
      return [];
    }
    const out: { line: number; text: string }[] = [];
    this.pending.push(parts[0]);
    out.push({ line: this.next++, text: trimCr(this.pending.join('')) });
    for (let i = 1; i < parts.length - 1; i++) out.push({ line: this.next++, text: trimCr(parts[i]) });
    this.pending = parts[parts.length - 1] === '' ? [] : [parts[parts.length - 1]];
    return out;
  }

  /** The last line, if the text did not end with a newline. */
  end(): { line: number; text: string }[] {
    const rest = this.pending.join('');
    this.pending = [];
    return rest === '' ? [] : [{ line: this.next++, text: trimCr(rest) }];
  }
}
