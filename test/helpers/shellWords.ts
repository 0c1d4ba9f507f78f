/**
 * Splits a command line the way a POSIX shell splits the commands reports print: words separated by
 * spaces, single-quoted parts taken literally, `'\''` for a quote inside one. Anything else a shell
 * would interpret ($, backslashes outside quotes, double quotes) is refused, so a test never runs a
 * command differently from the shell a user pastes it into.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && line[i + 1] === "'") {
      word = (word ?? '') + "'";
      i++;
    } else if (/["$`\\*?;&|<>(){}\n]/.test(c)) {
      throw new Error(`a shell would interpret ${JSON.stringify(c)} in: ${line}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The text of HTML that escapes only &, <, >, " and ' (as the reports do). */
export function htmlText(html: string): string {
  return html.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);
}
