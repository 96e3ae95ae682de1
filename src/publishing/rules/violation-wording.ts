/** Small helpers so every violation message reads the same way. */

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/** `count(1, 'image')` → "1 image"; `count(3, 'image')` → "3 images". */
export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(value)} ${value === 1 ? singular : plural}`;
}

/** "Shorten it by 32" + "or split it into a thread" → "Shorten it by 32 or split it into a thread." */
export function fix(action: string, advice?: string): string {
  return advice ? `${action} ${advice}.` : `${action}.`;
}

export function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** Quotes caller text inside a message without letting a huge value swamp it. */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
