/** How many characters base64 (padded) takes to write `bytes` bytes: 4 for every 3, rounded up. */
export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;
