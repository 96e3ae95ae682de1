import { PLATFORM_RULE_REGISTRY } from './platform-rules';
import { PLATFORMS } from './platforms';
import type { Citation, PlatformRule } from './rule-types';
import { SURVEY_URLS, SURVEY_VERIFIED } from './survey-sources';

const { rules, version } = PLATFORM_RULE_REGISTRY;
const ISO_DATE_OR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$/;

function ruleById(id: string): PlatformRule {
  const rule = rules.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

function allCitations(rule: PlatformRule): Citation[] {
  const fromSource = rule.source.kind === 'cited' ? rule.source.citations : [];
  const fromDisagreement = rule.disagreement?.values.flatMap((value) => value.citations) ?? [];
  return [...fromSource, ...fromDisagreement];
}

function expectDeeplyFrozen(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null) return;
  if (!Object.isFrozen(value)) throw new Error(`${path} is not frozen`);
  for (const [key, child] of Object.entries(value)) expectDeeplyFrozen(child, `${path}.${key}`);
}

describe('PLATFORM_RULE_REGISTRY', () => {
  it('has a dated version YYYY-MM-DD.n', () => {
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });

  it('covers exactly the seven platforms, with these rule ids', () => {
    expect(new Set(rules.map((rule) => rule.platform))).toEqual(new Set(PLATFORMS));
    const ids = Object.fromEntries(PLATFORMS.map((p) => [p, rules.filter((r) => r.platform === p).map((r) => r.id)]));
    expect(ids).toEqual({
      facebook: [
        'facebook.text.max_length',
        'facebook.title.max_length',
        'facebook.media.max_images',
        'facebook.media.max_videos',
        'facebook.media.max_gifs',
        'facebook.media.single_class',
        'facebook.content.required',
      ],
      instagram: [
        'instagram.text.max_length',
        'instagram.text.max_hashtags',
        'instagram.text.max_mentions',
        'instagram.media.min_count',
        'instagram.media.max_count',
      ],
      pinterest: [
        'pinterest.text.max_length',
        'pinterest.title.max_length',
        'pinterest.link.max_length',
        'pinterest.link.http_url',
        'pinterest.media.min_count',
        'pinterest.media.max_count',
        'pinterest.media.video_with_cover',
        'pinterest.media.same_dimensions',
      ],
      youtube: [
        'youtube.text.max_length',
        'youtube.title.required',
        'youtube.title.max_length',
        'youtube.media.min_count',
        'youtube.media.max_count',
        'youtube.media.allowed_kinds',
      ],
      gmb: [
        'gmb.text.max_length',
        'gmb.title.max_length',
        'gmb.link.http_url',
        'gmb.media.max_count',
        'gmb.media.allowed_kinds',
        'gmb.content.required',
      ],
      linkedin: [
        'linkedin.text.max_length',
        'linkedin.title.max_length',
        'linkedin.media.video_alone',
        'linkedin.content.required',
      ],
      x: [
        'x.text.max_length',
        'x.media.max_images',
        'x.media.max_videos',
        'x.media.max_gifs',
        'x.media.single_class',
        'x.content.required',
      ],
    });
  });

  it('gives every rule a unique id of the form <platform>.<field>.<rule> and a description', () => {
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.id).toMatch(new RegExp(`^${rule.platform}\\.(text|title|link|media|content)\\.[a-z_]+$`));
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });

  it('keeps a text check on the field the rule names', () => {
    const withField = rules.filter((r) => 'field' in r.check);
    expect(withField.length).toBeGreaterThan(0);
    for (const rule of withField) expect((rule.check as { field: string }).field).toBe(rule.field);
  });

  it('cites an https URL from the survey for every sourced value, saying what the source states', () => {
    const surveyUrls = new Set<string>(Object.values(SURVEY_URLS));
    for (const rule of rules.filter((candidate) => candidate.source.kind === 'cited')) {
      const citations = allCitations(rule);
      expect(citations.length).toBeGreaterThan(0);
      for (const citation of citations) {
        expect(new URL(citation.url).protocol).toBe('https:');
        expect(surveyUrls.has(citation.url)).toBe(true);
        expect(citation.states.trim()).not.toBe('');
      }
    }
  });

  it('marks every rule without a source as a Postern default with its reason', () => {
    const defaults = rules.filter((rule) => rule.source.kind === 'postern_default');
    expect(defaults.map((rule) => rule.id).sort()).toEqual([
      'facebook.content.required',
      'gmb.content.required',
      'gmb.link.http_url',
      'linkedin.content.required',
      'pinterest.link.http_url',
      'x.content.required',
      'youtube.title.required',
    ]);
    for (const rule of defaults) {
      expect(rule.source.kind === 'postern_default' && rule.source.reason.length).toBeGreaterThan(40);
      expect(rule.disagreement).toBeUndefined();
    }
  });

  it('dates every rule with an ISO 8601 date or month no later than the registry version', () => {
    const versionDate = version.split('.')[0];
    for (const rule of rules) {
      const match = ISO_DATE_OR_MONTH.exec(rule.lastVerified);
      expect(match).not.toBeNull();
      expect(Number.isNaN(Date.parse(rule.lastVerified))).toBe(false);
      expect(rule.lastVerified <= versionDate).toBe(true);
      if (rule.source.kind === 'cited') expect(rule.lastVerified).toBe(SURVEY_VERIFIED);
    }
  });

  describe('disagreements', () => {
    const disputed = rules.filter((rule) => rule.disagreement);

    it('are recorded for X and Facebook text length', () => {
      expect(disputed.map((rule) => rule.id).sort()).toEqual(['facebook.text.max_length', 'x.text.max_length']);
    });

    it('carry every value with its sources, enforce the chosen value and give a reason', () => {
      for (const rule of disputed) {
        const disagreement = rule.disagreement!;
        const values = disagreement.values.map((entry) => entry.value);
        expect(new Set(values).size).toBeGreaterThanOrEqual(2);
        for (const entry of disagreement.values) {
          expect(entry.citations.length).toBeGreaterThan(0);
          for (const citation of entry.citations) expect(citation.url).toMatch(/^https:\/\//);
        }
        expect(values).toContain(disagreement.chosen);
        expect(disagreement.chosen).toBe(Math.min(...values));
        expect(rule.check.kind === 'max_length' && rule.check.limit).toBe(disagreement.chosen);
        expect(disagreement.reason.length).toBeGreaterThan(80);
      }
    });

    it('X: 280 by default; 4,000 only with x_premium_long_posts; 25,000 recorded with its source', () => {
      const rule = ruleById('x.text.max_length');
      const byValue = new Map(rule.disagreement!.values.map((entry) => [entry.value, entry]));
      expect([...byValue.keys()]).toEqual([280, 4000, 25000]);
      expect(byValue.get(280)!.citations.map((c) => c.ref)).toEqual(['PZ16', 'AY4', 'MX1']);
      expect(byValue.get(4000)!.citations.map((c) => c.url)).toEqual([SURVEY_URLS.postizX]);
      expect(byValue.get(25000)!.citations.map((c) => c.url)).toEqual([SURVEY_URLS.ayrshareCharacterLimits]);
      expect(rule.disagreement!.chosen).toBe(280);
      expect(rule.disagreement!.chosenWithCapability).toEqual({ capability: 'x_premium_long_posts', limit: 4000 });
      expect(rule.check).toMatchObject({ limit: 280, raisedBy: { capability: 'x_premium_long_posts', limit: 4000 } });
    });

    it('Facebook: 63,206 (Postiz, Ayrshare) and 5,000 (Mixpost) recorded; 5,000 enforced', () => {
      const rule = ruleById('facebook.text.max_length');
      const values = rule.disagreement!.values.map((entry) => [entry.value, entry.citations.map((c) => c.url)]);
      expect(values).toEqual([
        [63206, [SURVEY_URLS.postizFacebook, SURVEY_URLS.ayrshareCharacterLimits]],
        [5000, [SURVEY_URLS.mixpostConfig]],
      ]);
      expect(rule.disagreement!.chosen).toBe(5000);
      expect(rule.check).toMatchObject({ limit: 5000 });
    });
  });

  describe('immutability', () => {
    it('is deeply frozen', () => {
      expectDeeplyFrozen(PLATFORM_RULE_REGISTRY, 'registry');
    });

    it('throws on any attempt to change a rule, its limit, its sources or the rule list', () => {
      const rule = ruleById('x.text.max_length') as any;
      expect(() => {
        rule.check.limit = 100000;
      }).toThrow(TypeError);
      expect(() => {
        rule.source.citations[0].url = 'https://evil.example';
      }).toThrow(TypeError);
      expect(() => {
        rule.disagreement.chosen = 25000;
      }).toThrow(TypeError);
      expect(() => (rules as PlatformRule[]).push(rule)).toThrow(TypeError);
      expect(() => {
        (PLATFORM_RULE_REGISTRY as any).version = 'tampered';
      }).toThrow(TypeError);
      expect(ruleById('x.text.max_length').check).toMatchObject({ limit: 280 });
    });
  });
});
