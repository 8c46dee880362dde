import { describeSecondLevelConformance, MemorySecondLevel } from '@cachet/core/testing';

let now = 0;
const shared = new MemorySecondLevel({ clock: () => now });

describeSecondLevelConformance({
  name: 'MemorySecondLevel',
  create: () => shared.another(),
  advanceTime: async (ms) => {
    now += ms;
  },
  records: async (namespace) => shared.records(namespace),
});
