import { describeEachDialect } from '../src/testing.js';
import { connectionSuite } from './conformance/connection.suite.js';
import { helpersSuite } from './conformance/helpers.suite.js';
import { projectScopeSuite } from './conformance/project-scope.suite.js';
import { writePathSuite } from './conformance/write-path.suite.js';

describeEachDialect('connection', connectionSuite);
describeEachDialect('write path', writePathSuite);
describeEachDialect('dialect helpers', helpersSuite);
describeEachDialect('project scope', projectScopeSuite);
