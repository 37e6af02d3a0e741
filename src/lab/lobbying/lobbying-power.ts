import { InvalidInputError } from '../../core/heed-error.ts';

/**
 * A lobbying power L held exactly as an integer count of 1/scale units (scale a power of ten), so that adding
 * 0.1 ten times gives exactly 1: the press step is compared with whole steps, and float drift would move it.
 */
export interface LobbyingPower {
  units: number;
  scale: number;
}

export const maximumPowerDecimals = 6;
export const maximumPower = 100;

/** Parses a plain decimal such as `0`, `0.5` or `1.25` (at most 6 decimals, 0 ≤ L ≤ 100). */
export function parseLobbyingPower(text: string): LobbyingPower {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (match === null) {
    throw new InvalidInputError(
      `The lobbying power must be a plain decimal number ≥ 0 such as 0, 0.5 or 1.25, got '${text}'.`,
    );
  }
  const fraction = match[2] ?? '';
  if (fraction.length > maximumPowerDecimals) {
    throw new InvalidInputError(
      `The lobbying power takes at most ${maximumPowerDecimals} decimals (it is held exactly), got '${text}'.`,
    );
  }
  const scale = 10 ** fraction.length;
  const units = Number(match[1]) * scale + (fraction === '' ? 0 : Number(fraction));
  if (units > maximumPower * scale) {
    throw new InvalidInputError(`The lobbying power must be at most ${maximumPower}, got '${text}'.`);
  }
  return { units, scale };
}

/** The power as a number, for reports only (never for the timing arithmetic). */
export function lobbyingPowerValue(power: LobbyingPower): number {
  return power.units / power.scale;
}
