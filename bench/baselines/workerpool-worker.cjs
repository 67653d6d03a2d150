// workerpool's process-mode worker: the same tiny task as every Pool benchmark.
const workerpool = require('workerpool');

workerpool.worker({ square: (x) => x * x });
