import { newId } from '../../src/domain/ids';

describe('newId', () => {
  it('is the prefix and 20 hex digits', () => {
    expect(newId('mem')).toMatch(/^mem_[0-9a-f]{20}$/);
  });

  it('sorts in creation order, within one millisecond and across them', async () => {
    const ids = Array.from({ length: 2000 }, () => newId('mem'));
    await new Promise((r) => setTimeout(r, 5));
    ids.push(...Array.from({ length: 10 }, () => newId('mem')));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('starts with the creation time', () => {
    const before = Date.now();
    const id = newId('org');
    expect(parseInt(id.slice(4, 16), 16)).toBeGreaterThanOrEqual(before);
    expect(parseInt(id.slice(4, 16), 16)).toBeLessThanOrEqual(Date.now());
  });
});
