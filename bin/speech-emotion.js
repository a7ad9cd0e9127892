#!/usr/bin/env node
'use strict';
require('../dist/cli/main.js')
  .main(process.argv)
  .catch((err) => {
    console.error(`speech-emotion: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
