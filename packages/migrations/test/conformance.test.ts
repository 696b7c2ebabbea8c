import { describeEachDialect } from '@panoptes/db-core/testing';
import { runnerSuite } from './conformance/runner.suite.js';
import { schemaSuite } from './conformance/schema.suite.js';

describeEachDialect('migration runner', runnerSuite);
describeEachDialect('initial schema', schemaSuite);
