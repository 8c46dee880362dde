import { PostgresSynchronization } from '@cachet/postgres';
import { describeServiceSynchronization } from '../../../redis/test/support/service-suite';
import { assertPostgresReachable, DATABASE_URL } from '../support/database-url';

beforeAll(() => assertPostgresReachable());

describeServiceSynchronization('PostgresSynchronization', (channel) => new PostgresSynchronization({ connection: DATABASE_URL, channel }));
