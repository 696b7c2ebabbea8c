#!/usr/bin/env -S node --max-semi-space-size=24
// The installed `panoptes` binary runs the compiled CLI, with the young generation `npm start` gives
// the server (README: Boot).
import '../dist/cli.js';
