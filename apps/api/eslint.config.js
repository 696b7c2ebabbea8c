import base from '@panoptes/eslint-config';

export default [
  ...base,
  // The command line talks to its user on the console.
  { files: ['src/cli.ts'], rules: { 'no-console': 'off' } },
];
