/**
 * An incremental parser for `text/event-stream` (the subset the serve shell uses): feed it decoded text
 * as it arrives and it returns the `data` payload of every event completed by that text. Comments
 * (`: ping`) and the `event`/`id` fields are ignored; `retry` is remembered.
 */
export class SseParser {
  private buffer = '';
  private scanFrom = 0;
  private data: string | null = null;
  /** The reconnection delay the server asked for, if it did. */
  retryMs: number | null = null;

  push(text: string): string[] {
    const events: string[] = [];
    this.buffer += text;
    let lineStart = 0;
    for (;;) {
      const newline = this.buffer.indexOf('\n', Math.max(lineStart, this.scanFrom));
      if (newline < 0) break;
      let line = this.buffer.slice(lineStart, newline);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      lineStart = newline + 1;
      this.scanFrom = lineStart;
      this.line(line, events);
    }
    this.buffer = this.buffer.slice(lineStart);
    this.scanFrom = this.buffer.length;
    return events;
  }

  /** Forgets any partial event (after the connection dropped). */
  reset(): void {
    this.buffer = '';
    this.scanFrom = 0;
    this.data = null;
  }

  private line(line: string, events: string[]): void {
    if (line === '') {
      if (this.data !== null) events.push(this.data);
      this.data = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data = this.data === null ? value : `${this.data}\n${value}`;
    } else if (field === 'retry' && /^\d+$/.test(value)) {
      this.retryMs = Number(value);
    }
  }
}
