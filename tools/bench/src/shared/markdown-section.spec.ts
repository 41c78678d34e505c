import { beginMarker, endMarker, replaceSection } from './markdown-section';

const preamble = '# Benchmarks\n\nIntro.';

describe('replaceSection', () => {
  it('starts a missing document from the preamble', () => {
    const doc = replaceSection(undefined, 'transport', '## Transport\n\nv1', preamble);
    expect(doc).toBe(`# Benchmarks\n\nIntro.\n\n${beginMarker('transport')}\n## Transport\n\nv1\n${endMarker('transport')}\n`);
  });

  it('replaces only its own section and keeps the others and hand-written text', () => {
    let doc = replaceSection(undefined, 'transport', '## Transport\n\nv1', preamble);
    doc = replaceSection(doc, 'relay', '## Relay\n\nr1', preamble);
    doc += '\nHand-written note.\n';
    const next = replaceSection(doc, 'transport', '## Transport\n\nv2', preamble);
    expect(next).toContain('v2');
    expect(next).not.toContain('v1');
    expect(next).toContain('## Relay\n\nr1');
    expect(next).toContain('Hand-written note.');
    expect(next.indexOf('## Transport')).toBeLessThan(next.indexOf('## Relay'));
  });

  it('is stable when the same body is written twice', () => {
    const once = replaceSection(undefined, 'transport', 'body', preamble);
    expect(replaceSection(once, 'transport', 'body', preamble)).toBe(once);
  });

  it('appends a new suite after existing content', () => {
    const doc = replaceSection('# Benchmarks\n\nOld text without markers', 'client', 'c', preamble);
    expect(doc).toBe(`# Benchmarks\n\nOld text without markers\n\n${beginMarker('client')}\nc\n${endMarker('client')}\n`);
  });
});
