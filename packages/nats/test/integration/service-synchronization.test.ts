import { NatsSynchronization } from '@cachet/nats';
import { describeServiceSynchronization } from '../../../redis/test/support/service-suite';
import { assertNatsReachable, NATS_URL } from '../support/nats-url';

beforeAll(() => assertNatsReachable());

describeServiceSynchronization('NatsSynchronization', (subject) => new NatsSynchronization({ servers: NATS_URL, subject }));
