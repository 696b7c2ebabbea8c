export { default } from '@panoptes/eslint-config';
