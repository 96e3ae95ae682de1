import { AppError } from '../../common/app-error';
import { mcpBodyLimitBytes } from '../../common/body-parsers';
import { checkedFileName, decodeBase64, fileNameFromUrl } from './media-source';

function appErrorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe(decodeBase64.name, () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);

  it('decodes standard base64, with or without a data: URL prefix', () => {
    expect(decodeBase64(bytes.toString('base64'), 100)).toEqual({ bytes, declaredMime: undefined });
    expect(decodeBase64(`data:image/png;base64,${bytes.toString('base64')}`, 100)).toEqual({
      bytes,
      declaredMime: 'image/png',
    });
  });

  it.each([
    ['characters outside the alphabet', 'iVBO*w0K'],
    ['base64url', bytes.toString('base64url')],
    ['line breaks', 'iVBO\nRw0K'],
    ['missing padding', 'iVBORw0'],
    ['nothing at all', ''],
    ['an empty data: URL', 'data:image/png;base64,'],
  ])('refuses %s, naming content_base64', (_name, value) => {
    const error = appErrorOf(() => decodeBase64(value, 100));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([{ field: 'content_base64', issue: 'not valid base64' }]);
  });

  it('refuses more than the cap before decoding, and accepts exactly the cap', () => {
    expect(decodeBase64(Buffer.alloc(30).toString('base64'), 30).bytes).toHaveLength(30);
    expect(appErrorOf(() => decodeBase64(Buffer.alloc(31).toString('base64'), 30)).code).toBe('payload_too_large');
    expect(appErrorOf(() => decodeBase64('A'.repeat(1000), 30)).code).toBe('payload_too_large');
  });
});

describe(fileNameFromUrl.name, () => {
  it.each([
    ['https://cdn.example.com/a/hero%20shot.jpeg?x=1', 'jpg', 'hero shot.jpg'],
    ['https://cdn.example.com/image.php?id=3', 'png', 'image.png'],
    ['https://cdn.example.com/', 'webp', 'media.webp'],
    ['https://cdn.example.com/%2e%2e%2fetc%2fpasswd', 'png', '.._etc_passwd.png'],
    ['https://cdn.example.com/line%0Abreak.gif', 'gif', 'linebreak.gif'],
    ['https://cdn.example.com/bad%E0%A4%A.png', 'png', 'bad%E0%A4%A.png'],
  ])('names %s as a label', (url, extension, expected) => {
    expect(fileNameFromUrl(url, extension)).toBe(expected);
  });
});

describe(checkedFileName.name, () => {
  it('trims a one-line name of 1 to 255 characters', () => {
    expect(checkedFileName('  photo.png ')).toBe('photo.png');
    expect(checkedFileName('x'.repeat(255))).toHaveLength(255);
  });

  it.each([undefined, '', '   ', 'x'.repeat(256), 'two\nlines.png', 'nul\0.png'])('refuses %j', (name) => {
    expect(appErrorOf(() => checkedFileName(name)).details).toEqual([
      { field: 'file_name', issue: 'required: one line, 1–255 characters' },
    ]);
  });
});

describe(mcpBodyLimitBytes.name, () => {
  it('admits the base64 of the inline cap plus the envelope', () => {
    expect(mcpBodyLimitBytes(8 * 1024 * 1024)).toBe(Math.ceil((8 * 1024 * 1024) / 3) * 4 + 64 * 1024);
    expect(mcpBodyLimitBytes(3)).toBe(4 + 64 * 1024);
  });
});
