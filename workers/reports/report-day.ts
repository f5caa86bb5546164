/** A UTC day as `YYYY-MM-DD` and the window it covers: [00:00, 24:00) UTC. */
export type DayWindow = { start: Date; end: Date };

const DAY_MS = 86_400_000;

/** The instants a day covers, from its midnight (included) to the next (excluded). */
export function dayWindow(day: string): DayWindow {
  const start = new Date(`${day}T00:00:00.000Z`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** The UTC day `at` falls in. */
export const utcDayOf = (at: Date) => at.toISOString().slice(0, 10);

/** The UTC day before the one `now` falls in: what the daily run reports on. */
export const previousUtcDay = (now: Date) => utcDayOf(new Date(now.getTime() - DAY_MS));

/** Whether the day has not begun yet at `now` (today is not in the future: its report covers it so far). */
export const isFutureDay = (day: string, now: Date) => day > utcDayOf(now);
