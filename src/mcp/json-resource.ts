/** What a read-only resource answers: one JSON document at the URI that was read. */
export interface JsonResourceContents {
  contents: { uri: string; mimeType: 'application/json'; text: string }[];
}

export function jsonResource(uri: string, value: unknown): JsonResourceContents {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
}
