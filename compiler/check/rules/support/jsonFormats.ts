/**
 * The JSON Schema `format` values the json judge validates. ajv ships none itself (ajv-formats
 * is a separate package); these cover what response schemas commonly use. A schema naming any
 * other format is rejected (by `align check` and when the judge is created) rather than
 * silently not checked.
 */

import { isIPv4, isIPv6 } from "node:net";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i;
// Linear-time shapes only: these run on hostile model output.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS[month - 1] ?? 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= maxDay;
}

function isDateTime(value: string): boolean {
  const t = value.search(/[tT ]/);
  return t === 10 && isDate(value.slice(0, 10)) && TIME.test(value.slice(11)) && /[zZ]|[+-]\d\d:?\d\d$/.test(value);
}

function isUri(value: string): boolean {
  if (!URI_SCHEME.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export const FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  date: isDate,
  time: (value) => TIME.test(value),
  "date-time": isDateTime,
  email: (value) => value.length <= 320 && EMAIL.test(value),
  hostname: (value) => HOSTNAME.test(value),
  uri: isUri,
  uuid: (value) => UUID.test(value),
  ipv4: (value) => isIPv4(value),
  ipv6: (value) => isIPv6(value),
};
