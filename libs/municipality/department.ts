/**
 * A department's one name, so that every spelling of it files, finds and matches the same things.
 *
 * The documents name a ward either as the ward (西区) or as its office (西区役所), sometimes with the
 * city (新潟市東区), typed with full-width letters or spaces (ＩＣＴ推進部, 東 区): all of these are
 * the same department. The canonical form is the ward (東区): it is what the ward page, the
 * summaries and the grants call the 区, and it is the shorter, more common spelling in the seeds.
 * Departments that are not wards (市民生活部, 総務部) keep their name, normalised the same way.
 *
 * Only letters that NFKC treats as the same character change; a space stays only between two
 * Latin letters or digits, where it separates words. The city is dropped only before a ward: one
 * shinchoku serves one city, so "新潟市東区" cannot mean another 東区.
 */
export function departmentName(text: string): string {
  const name = text
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/ (?![A-Za-z0-9])|(?<![A-Za-z0-9]) /g, '');
  const ward = WARD.exec(name);
  return ward ? ward[1]! : name;
}

/** A ward (…区) or its office (…区役所), after an optional city (up to the last 市: 四日市市東区). */
const WARD = /^(?:.+市)?(.+?区)(?:役所)?$/u;
