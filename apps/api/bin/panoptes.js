#!/usr/bin/env node
// The installed `panoptes` binary runs the compiled CLI.
import '../dist/cli.js';
