import { CONFIG_DOCS } from './app-config';

/** The README's configuration table, rendered from the schema's own documentation. */
export function renderConfigTable(): string {
  const rows = Object.entries(CONFIG_DOCS).map(
    ([name, doc]) => `| \`${name}\` | ${doc.default} | ${doc.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
