/**
 * Commander argument parsers shared by the subcommands. A bad value throws commander's
 * InvalidArgumentError, so the message names the option and the value given.
 */
import { InvalidArgumentError } from "commander";

/** An integer >= `min` ("positive integer" when `min` is 1). */
export function integerAtLeast(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be ${min === 1 ? "a positive integer" : `an integer >= ${min}`}`);
    return n;
  };
}

export function positiveInt(flag: string): (value: string) => number {
  return integerAtLeast(flag, 1);
}

/** Any finite number >= 0 (delays, caps). */
export function nonNegativeNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number >= 0`);
    return n;
  };
}

/** An integer from `min` to `max` (a sane upper bound keeps a typo like 1e12 from reaching an allocation). */
export function integerInRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max.toLocaleString("en-US")}`);
    return n;
  };
}

/** An absolute http(s) URL, e.g. for an endpoint option. */
export function httpUrl(flag: string): (value: string) => string {
  return (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${flag} must be an http(s) URL such as https://huggingface.co`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(`${flag} must be an http(s) URL, not ${url.protocol}`);
    return value;
  };
}
