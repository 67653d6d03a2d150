// The Python examples and the seed's own code must not drift apart. test/fixtures/python/seed-*.py
// are the seed's scripts verbatim (its layout and comments), which the runner tests run to prove
// that the seed's code runs unchanged; examples/python/*_example.py are what a learner scaffolds:
// the same code laid out in Python's usual style, some with a few teaching lines added (the
// Process example joins its children after starting them all, the Queue example shows
// Full/Empty and the reader's exit code, the Pipe example joins its sender). So each example must
// be its seed, every statement of it in order with nothing changed, plus additions — compared on
// Python's own syntax tree (comments and layout do not count, one changed token does).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { templatePath, type ExampleId } from '../../../src/scaffold/catalogue';
import { pythonPath } from '../runner/pythonHelpers';

const ROOT = path.resolve(__dirname, '../../..');

/** Seed fixture → example, and whether the example adds lines of its own. */
const PAIRS: Array<[string, ExampleId, boolean]> = [
  ['seed-process.py', 'process', true],
  ['seed-pool-apply-async.py', 'pool-apply-async', false],
  ['seed-pool-apply.py', 'pool-apply', false],
  ['seed-queue.py', 'queue', true],
  ['seed-pipe.py', 'pipe', true],
  ['seed-pipe-duplex.py', 'pipe-duplex', false],
];

// Prints, per pair, the seed's statements the example lacks (in order; imports as a set) and
// whether the two are the same program. A compound statement counts by its header (`for i in
// range(5)`), its body statement by statement.
const COMPARE = `
import ast, json, sys

COMPOUND = (ast.For, ast.While, ast.If, ast.With, ast.FunctionDef, ast.Try, ast.ExceptHandler)
BODIES = ('body', 'handlers', 'orelse', 'finalbody')

def dump(v):
    if isinstance(v, ast.AST):
        return ast.dump(v)
    if isinstance(v, list):
        return '[%s]' % ', '.join(dump(x) for x in v)
    return repr(v)

def statements(tree):
    """The imported names, and (key, text) of every statement in source order."""
    imports, out = set(), []
    def visit(body):
        for node in body:
            if isinstance(node, ast.Import):
                imports.update(a.name for a in node.names)
                continue
            if isinstance(node, COMPOUND):
                key = type(node).__name__ + ' ' + ' '.join('%s=%s' % (k, dump(v)) for k, v in ast.iter_fields(node) if k not in BODIES + ('type_comment',))
            else:
                key = ast.dump(node)
            text = ast.unparse(node).split('\\n')[0] if hasattr(ast, 'unparse') else key[:120]
            out.append((key, text))
            for field in BODIES:
                visit(getattr(node, field, None) or [])
    visit(tree.body)
    return imports, out

result = {}
for seed, example in json.loads(sys.argv[1]):
    a, b = (ast.parse(open(f, encoding='utf-8').read()) for f in (seed, example))
    (ia, sa), (ib, sb) = statements(a), statements(b)
    missing, j = [], 0
    keys = [key for key, _ in sb]
    for key, text in sa:
        k = j
        while k < len(keys) and keys[k] != key:
            k += 1
        if k == len(keys):
            missing.append(text)
        else:
            j = k + 1
    missing += ['import ' + n for n in sorted(ia - ib)]
    result[example] = {'missing': missing, 'same': ast.dump(a) == ast.dump(b)}
print(json.dumps(result))
`;

describe('Python examples are the seed code of the runner tests', function () {
  this.timeout(30_000);
  let compared: Record<string, { missing: string[]; same: boolean }>;

  before(() => {
    const pairs = PAIRS.map(([seed, id]) => [path.join(ROOT, 'test/fixtures/python', seed), path.join(ROOT, templatePath(id, 'python'))]);
    const r = spawnSync(pythonPath ?? 'python3', ['-c', COMPARE, JSON.stringify(pairs)], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    compared = JSON.parse(r.stdout) as typeof compared;
  });

  for (const [seed, id, adds] of PAIRS) {
    it(`${id}: examples/python keeps every statement of ${seed}, in order${adds ? ', plus its own' : ', and nothing else'}`, () => {
      const c = compared[path.join(ROOT, templatePath(id, 'python'))]!;
      assert.deepStrictEqual(c.missing, [], `statements of the seed that the example lacks or changed`);
      assert.strictEqual(c.same, !adds, adds ? 'the example no longer adds anything: mark it as the same program' : 'the example adds or changes code');
    });
  }
});
