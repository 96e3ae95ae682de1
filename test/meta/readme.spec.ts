import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES } from '../../src/common/app-error';
import { renderConfigTable } from '../../src/config/config-table';

const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

function section(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(README);
  if (!match) throw new Error(`README has no ${name} markers`);
  return match[1];
}

describe('README', () => {
  it('has the configuration table the schema renders', () => {
    expect(section('config-table')).toBe(renderConfigTable());
  });

  it('lists every error code a client can get, with its HTTP status', () => {
    const paragraph = /Error codes, with their HTTP status: ([\s\S]*?)\.\n/.exec(README)?.[1] ?? '';
    const listed = [...paragraph.matchAll(/`(\w+)`\s+\((\d{3})\)/g)].map(([, code, status]) => [code, Number(status)]);
    expect(listed).toEqual(Object.entries(ERROR_CODES));
  });

  it('keeps the quick start to the two commands', () => {
    const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(README)?.[1];
    expect(quickStart).toBe('npm install && npm start\nnpm test\n');
  });

  it('names the commands package.json really has', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    for (const script of ['build', 'typecheck', 'lint', 'test', 'test:unit', 'test:medium', 'test:e2e', 'start']) {
      expect(scripts[script]).toBeDefined();
    }
  });
});
