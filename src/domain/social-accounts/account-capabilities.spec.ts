import { ACCOUNT_CAPABILITIES } from '../../publishing/rules/rule-types';
import { platformsLiftedBy } from './account-capabilities';

describe(platformsLiftedBy.name, () => {
  it('finds the platform whose rule a capability raises', () => {
    expect(platformsLiftedBy('x_premium_long_posts')).toEqual(['x']);
  });

  it('has a platform for every capability in the catalogue, so none can be declared in vain', () => {
    for (const capability of ACCOUNT_CAPABILITIES)
      expect([capability, platformsLiftedBy(capability).length > 0]).toEqual([capability, true]);
  });
});
