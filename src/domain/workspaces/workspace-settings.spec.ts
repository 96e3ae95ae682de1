import { AppError } from '../../common/app-error';
import { canonicalTimeZone, resolveSettings } from './workspace-settings';

describe(canonicalTimeZone.name, () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['Etc/GMT+1', 'Etc/GMT+1'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['US/Pacific', 'US/Pacific'],
  ])('accepts %s as %s', (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
  });

  it.each(['Mars/Olympus_Mons', '+01:00', 'UTC+1', '', 'Europe/', '../etc/passwd', 'Europe/Berlin\n', 'x'.repeat(65)])(
    'refuses %j, naming the field',
    (name) => {
      let caught: unknown;
      try {
        canonicalTimeZone(name, 'time_zone');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).details).toEqual([{ field: 'time_zone', issue: expect.stringContaining('unknown') }]);
    },
  );
});

describe(resolveSettings.name, () => {
  it('reads an empty settings object as the safe defaults', () => {
    expect(resolveSettings({})).toEqual({
      timeZone: null,
      draftFirst: true,
      approval: { requireApprovalFor: ['publish', 'schedule', 'delete'], allowSelfApproval: false },
    });
  });

  it('keeps what is stored, including an empty approval list, and defaults only what is missing', () => {
    expect(
      resolveSettings({ timeZone: 'Asia/Tokyo', draftFirst: false, approval: { requireApprovalFor: [] } }),
    ).toEqual({
      timeZone: 'Asia/Tokyo',
      draftFirst: false,
      approval: { requireApprovalFor: [], allowSelfApproval: false },
    });
  });
});
