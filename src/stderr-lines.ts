/**
 * Where the lines meant for stderr go: log lines and the CLI's notes. Something that draws
 * on the terminal (the demo's progress bars) takes them while it draws and prints them
 * above its frame, so no line lands in the middle of one.
 */
export type LineWriter = (line: string) => void;

const toStderr: LineWriter = (line) => void process.stderr.write(line);
let writer: LineWriter = toStderr;

/** Writes one line (ending in a newline) to stderr, or to whoever draws there now. */
export function writeStderrLine(line: string): void {
  writer(line);
}

/** Sends stderr lines to `divert` until the returned function is called. */
export function divertStderrLines(divert: LineWriter): () => void {
  writer = divert;
  return () => {
    if (writer === divert) writer = toStderr;
  };
}
