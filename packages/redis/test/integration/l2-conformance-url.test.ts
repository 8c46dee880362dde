import { describeRedisL2Conformance } from '../support/l2-conformance';
import { REDIS_URL } from '../support/redis-url';

describeRedisL2Conformance('from a URL', () => REDIS_URL);
