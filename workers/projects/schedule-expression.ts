/**
 * Audit schedules: off, daily, weekly, monthly, or a standard 5-field cron expression
 * (minute hour day-of-month month day-of-week, UTC; lists, ranges and steps; day 0 or 7 is Sunday).
 */
const NAMED: Record<string, string> = {
  daily: "0 0 * * *",
  weekly: "0 0 * * 1",
  monthly: "0 0 1 * *",
};

type Field = { min: number; max: number };
const FIELDS: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 7 },
];

type CronSpec = {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Cron's rule: when both day fields are restricted, a day matches either. */
  dayOr: boolean;
};

function parseField(text: string, field: Field): Set<number> | null {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) return null;
    const step = match[4] ? Number(match[4]) : 1;
    const from = match[1] === "*" ? field.min : Number(match[2]);
    const to = match[1] === "*" ? field.max : match[3] ? Number(match[3]) : match[4] ? field.max : from;
    if (step < 1 || from < field.min || to > field.max || from > to) return null;
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

export function parseCron(expression: string): CronSpec | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const sets = parts.map((part, index) => parseField(part, FIELDS[index] as Field));
  const [minutes, hours, days, months, weekdays] = sets;
  if (!minutes || !hours || !days || !months || !weekdays) return null;
  if (weekdays.delete(7)) weekdays.add(0);
  return { minutes, hours, days, months, weekdays, dayOr: parts[2] !== "*" && parts[4] !== "*" };
}

export const isValidSchedule = (schedule: string) =>
  schedule === "off" || schedule in NAMED || parseCron(schedule) !== null;

function dayMatches(spec: CronSpec, date: Date): boolean {
  const day = spec.days.has(date.getUTCDate());
  const weekday = spec.weekdays.has(date.getUTCDay());
  return spec.dayOr ? day || weekday : day && weekday;
}

/** The first time strictly after `after` that the schedule names, or null when it is off (or never fires). */
export function nextRunAfter(schedule: string, after: Date): Date | null {
  if (schedule === "off") return null;
  const spec = parseCron(NAMED[schedule] ?? schedule);
  if (!spec) return null;
  const time = new Date(after.getTime());
  time.setUTCSeconds(0, 0);
  time.setUTCMinutes(time.getUTCMinutes() + 1);
  // Skips whole months, days and hours that cannot match, so even rare schedules take few steps.
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (time.getTime() <= limit) {
    if (!spec.months.has(time.getUTCMonth() + 1)) {
      time.setUTCMonth(time.getUTCMonth() + 1, 1);
      time.setUTCHours(0, 0);
    } else if (!dayMatches(spec, time)) {
      time.setUTCDate(time.getUTCDate() + 1);
      time.setUTCHours(0, 0);
    } else if (!spec.hours.has(time.getUTCHours())) {
      time.setUTCHours(time.getUTCHours() + 1, 0);
    } else if (!spec.minutes.has(time.getUTCMinutes())) {
      time.setUTCMinutes(time.getUTCMinutes() + 1);
    } else {
      return time;
    }
  }
  return null;
}
