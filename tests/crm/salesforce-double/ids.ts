// Salesforce record ids: a 3-character key prefix, 12 characters, and (in the 18-character form
// the REST API returns) a 3-character case-safe suffix. Ids compare on their 15-character form.

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The 18-character form of a 15- or 18-character id; null when it is not an id. */
export function toId18(id: string): string | null {
  if (!ID_PATTERN.test(id)) return null;
  const id15 = id.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

/** New ids per key prefix, counting up (`003` + pod `8d` + a base-62 counter). */
export function idMinter() {
  let counter = 1000;
  return (prefix: string): string => {
    let n = counter++;
    let body = '';
    while (body.length < 10) {
      body = BASE62[n % 62] + body;
      n = Math.floor(n / 62);
    }
    return toId18(`${prefix}8d${body}`)!;
  };
}
