// Placeholder until issue #4's CLI lands here.
process.stdout.write('concurrency-lab: not built yet\n');
