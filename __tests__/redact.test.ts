import { Redactor } from '../src/redact.js';

const SECRET = 'vcp_Abc123XYZ789secret';

function redactorOf(...values: string[]): Redactor {
  const r = new Redactor();
  for (const v of values) r.add(v);
  return r;
}

describe('Redactor', () => {
  test('masks every occurrence, and nothing when it knows no value', () => {
    expect(redactorOf(SECRET).redact(`a ${SECRET} b ${SECRET}`)).toBe('a *** b ***');
    expect(new Redactor().redact(`a ${SECRET}`)).toBe(`a ${SECRET}`);
  });

  test.each([
    ['upper-cased', SECRET.toUpperCase()],
    ['lower-cased', SECRET.toLowerCase()],
    ['mixed', 'VcP_aBC123xyz789SECRET']
  ])('masks a value %s: a credential in another case is still a credential', (_case, variant) => {
    expect(redactorOf(SECRET).redact(`secret-name ${variant} given`)).toBe('secret-name *** given');
  });

  test('values with regular-expression characters are matched literally', () => {
    const odd = 'a.b*c+d?e(f)[g]{h}|i\\j^k$';
    const r = redactorOf(odd);
    expect(r.redact(`x ${odd} y`)).toBe('x *** y');
    expect(r.redact('x aXb*c+d?e(f)[g]{h}|i\\j^k$ y')).toContain('aXb');
  });

  test('a value inside a longer one does not leave the rest of the longer one shown', () => {
    const r = redactorOf('short-secret', 'prefix-short-secret-suffix');
    expect(r.redact('prefix-short-secret-suffix')).toBe('***');
  });

  test('a value added later is masked too; short values are not (they would mask innocent text)', () => {
    const r = redactorOf(SECRET);
    expect(r.redact('second-secret-value')).toBe('second-secret-value');
    r.add('second-secret-value');
    r.add('short');
    expect(r.redact(`second-secret-value ${SECRET} short`)).toBe('*** *** short');
  });

  test('redactDeep masks every string of a parsed value, keys included, without touching the original', () => {
    const parsed = {
      error: { message: `bad ${SECRET}`, nested: [SECRET.toUpperCase(), 3, null, true, { [SECRET]: 'x' }] },
      count: 1
    };
    const copy = structuredClone(parsed);
    const out = redactorOf(SECRET).redactDeep(parsed);
    expect(out).toEqual({
      error: { message: 'bad ***', nested: ['***', 3, null, true, { '***': 'x' }] },
      count: 1
    });
    expect(parsed).toEqual(copy);
    expect(JSON.stringify(out).toLowerCase()).not.toContain(SECRET.toLowerCase());
  });

  test('redactDeep of a JSON-escaped credential, once parsed, masks it', () => {
    const escaped = `{"error":{"message":"token \\u0076${SECRET.slice(1)} refused"}}`;
    expect(escaped).not.toContain(SECRET);
    expect(redactorOf(SECRET).redactDeep(JSON.parse(escaped))).toEqual({
      error: { message: 'token *** refused' }
    });
  });

  test('redactDeep keeps non-string scalars and undefined as they are', () => {
    const r = redactorOf(SECRET);
    for (const v of [undefined, null, 0, 1.5, false]) expect(r.redactDeep(v)).toBe(v);
    expect(r.redactDeep(SECRET)).toBe('***');
  });
});
