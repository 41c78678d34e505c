/** A key-help line that fits the terminal: the hints on as few lines as needed, split evenly (pure). */

const SEPARATOR = ' · ';

/**
 * `hints` joined on one line when it fits in `columns`, otherwise on the fewest lines that do, with
 * the hints shared out evenly so no line ends up holding a lone leftover. A single hint wider than the
 * terminal gets a line of its own (and is cut there by the renderer).
 */
export function keyHintLines(hints: readonly string[], columns: number): string[] {
  for (let lines = 1; lines <= hints.length; lines++) {
    const perLine = Math.ceil(hints.length / lines);
    const split: string[] = [];
    for (let at = 0; at < hints.length; at += perLine) split.push(hints.slice(at, at + perLine).join(SEPARATOR));
    if (split.every((line) => line.length <= columns)) return split;
  }
  return [...hints];
}
