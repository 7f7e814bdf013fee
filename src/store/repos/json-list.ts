/**
 * A JSON list of strings as stored in a text column; anything else reads as empty, so a damaged row
 * grants nothing and names nobody.
 */
export function stringList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
